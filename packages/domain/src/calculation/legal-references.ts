/** Paragraphs of the new Socialtjänstlag (SFS 2025:400) cited on calculation lines and decisions. */
export const LEGAL_REFERENCES = {
  /** Right to ekonomiskt bistånd, skälig levnadsnivå; income counts against the need. */
  assistance: '12 kap. 1 § socialtjänstlagen (2025:400)',
  /** Must be available for work (with good reasons exempt). */
  availableForWork: '12 kap. 3 § socialtjänstlagen (2025:400)',
  /** Cost items and riksnorm. */
  normAndCostItems: '12 kap. 7 § socialtjänstlagen (2025:400)',
  /** 25 % of work income disregarded after 6 consecutive months, for 2 years. */
  workIncomeRelief: '12 kap. 8 § socialtjänstlagen (2025:400)',
  /** Children's / school youths' work income not counted up to one prisbasbelopp a year. */
  youthWorkIncome: '12 kap. 9 § socialtjänstlagen (2025:400)',
  /** Local rules of the municipality (rounding, rent ceiling, local norm rows). */
  tenantGuidelines: 'Kommunens riktlinjer för ekonomiskt bistånd',
} as const;
