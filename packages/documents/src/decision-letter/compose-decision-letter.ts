import { DomainError, formatKronor, formatPersonnummer, isValidPersonnummer } from '@samverkan/domain';
import { formatOrgNumber, formatSwedishDate, formatSwedishMonth } from '../format/swedish.ts';
import type { DecisionLetter, LetterDocument, LetterSection } from './decision-letter.ts';

const APPEAL_LAW = '35 kap. 1 § socialtjänstlagen (2025:400)';

/** True when the decision goes against the applicant in whole or in part (FL 33 §: appeal instructions). */
export function isAgainstApplicant(letter: DecisionLetter): boolean {
  if (letter.outcome !== 'approved') return true;
  return letter.appliedAmountOre !== undefined && letter.approvedAmountOre < letter.appliedAmountOre;
}

function check(letter: DecisionLetter): void {
  const fail = (message: string): never => {
    throw new DomainError('validation_failed', message, { caseReference: letter.caseReference });
  };
  for (const person of [letter.applicant, letter.coApplicant]) {
    if (person && !(/^\d{12}$/.test(person.personnummer) && isValidPersonnummer(person.personnummer))) {
      throw new DomainError(
        'invalid_personnummer',
        'Personnumret ska anges med 12 siffror och vara giltigt.',
      );
    }
  }
  for (const amount of [
    letter.approvedAmountOre,
    letter.appliedAmountOre,
    ...letter.calculationLines.map((l) => l.amountOre),
  ]) {
    if (amount !== undefined && !Number.isSafeInteger(amount)) fail('Belopp ska anges i hela ören.');
  }
  const { outcome, approvedAmountOre: approved, appliedAmountOre: applied } = letter;
  if (approved < 0) fail('Beviljat belopp kan inte vara negativt.');
  if (outcome === 'rejected' && approved !== 0) fail('Ett avslag kan inte ha ett beviljat belopp.');
  if (outcome === 'approved' && (approved === 0 || (applied !== undefined && approved < applied))) {
    fail('Ett bifall ska avse hela det sökta beloppet; använd delvis bifall.');
  }
  if (
    outcome === 'partially_approved' &&
    (approved === 0 || (applied !== undefined && approved >= applied))
  ) {
    fail('Ett delvis bifall ska vara större än noll och mindre än det sökta beloppet.');
  }
  if (isAgainstApplicant(letter) && letter.reasons.length === 0) {
    fail('Ett beslut som går den sökande emot ska ha en motivering (32 § förvaltningslagen).');
  }
  if (!letter.legalBasis.trim()) fail('Lagrum saknas.');
}

/**
 * Composes the written decision (beslut om ekonomiskt bistånd) as a structured document that
 * meets förvaltningslagen 31–33 §§: what was decided, when, by whom (automated decisions are
 * named as such, FL 28 §, with the delegation), the reasons and the calculation, and — whenever
 * the decision goes against the applicant in whole or in part — how to appeal (FL 33, 43–44 §§,
 * 35 kap. 1 § SoL). The decision is always the municipality's committee's, also when the host
 * municipality's staff or robot took it under an agreement.
 */
export function composeDecisionLetter(letter: DecisionLetter): LetterDocument {
  check(letter);
  const committee = letter.decidedBy.onBehalfOf ?? letter.municipality.committeeName;
  const month = formatSwedishMonth(letter.period.month);
  const date = formatSwedishDate(letter.decisionDate);
  const plural = letter.coApplicant !== undefined;
  const you = plural ? 'ni' : 'du';
  const You = plural ? 'Ni' : 'Du';
  const youObj = plural ? 'er' : 'dig';
  const your = plural ? 'er' : 'din';
  const yourNeuter = plural ? 'ert' : 'ditt';
  const against = isAgainstApplicant(letter);
  const applied = letter.appliedAmountOre;

  const sections: LetterSection[] = [];

  sections.push({
    key: 'case',
    heading: 'Ärende',
    paragraphs: [
      `Ansökan om ekonomiskt bistånd (försörjningsstöd) för ${month}.`,
      `Sökande: ${letter.applicant.name}, personnummer ${formatPersonnummer(letter.applicant.personnummer)}.`,
      ...(letter.coApplicant
        ? [
            `Medsökande: ${letter.coApplicant.name}, personnummer ${formatPersonnummer(letter.coApplicant.personnummer)}.`,
          ]
        : []),
      ...(applied !== undefined ? [`Sökt belopp: ${formatKronor(applied)}.`] : []),
    ],
  });

  const decisionText = (() => {
    switch (letter.outcome) {
      case 'approved':
        return `${committee} beviljar ${youObj} ekonomiskt bistånd (försörjningsstöd) med ${formatKronor(letter.approvedAmountOre)} för ${month}.`;
      case 'partially_approved':
        return (
          `${committee} beviljar ${youObj} delvis ekonomiskt bistånd (försörjningsstöd) med ${formatKronor(letter.approvedAmountOre)} för ${month}.` +
          (applied !== undefined
            ? ` ${You} ansökte om ${formatKronor(applied)}. Ansökan avslås till den del den avser ${formatKronor(applied - letter.approvedAmountOre)}.`
            : ' Ansökan avslås i övrigt.')
        );
      case 'rejected':
        return `${committee} avslår ${your} ansökan om ekonomiskt bistånd (försörjningsstöd) för ${month}.`;
    }
  })();
  sections.push({
    key: 'decision',
    heading:
      letter.outcome === 'approved'
        ? 'Beslut: bifall'
        : letter.outcome === 'rejected'
          ? 'Beslut: avslag'
          : 'Beslut: delvis bifall',
    paragraphs: [decisionText, `Beslutet är fattat med stöd av ${letter.legalBasis}.`],
  });

  sections.push({
    key: 'reasons',
    heading: 'Skäl för beslutet',
    paragraphs:
      letter.reasons.length > 0
        ? [...letter.reasons]
        : [
            `${You} har rätt till bistånd enligt ${letter.legalBasis} eftersom ${your} behov inte kan tillgodoses på annat sätt.`,
          ],
  });

  if (letter.calculationLines.length > 0) {
    sections.push({
      key: 'calculation',
      heading: 'Beräkning',
      paragraphs: [`Så här har ${your} rätt till bistånd för ${month} beräknats.`],
      table: [
        ...letter.calculationLines.map((line) => ({
          label: line.label,
          value: formatKronor(line.amountOre),
        })),
        { label: 'Beviljat belopp', value: formatKronor(letter.approvedAmountOre), isTotal: true },
      ],
    });
  }

  if (letter.payment && letter.approvedAmountOre > 0) {
    sections.push({
      key: 'payment',
      heading: 'Utbetalning',
      paragraphs: [
        `${formatKronor(letter.approvedAmountOre)} betalas ut den ${formatSwedishDate(letter.payment.date)} till konto ${letter.payment.accountMasked}.`,
      ],
    });
  }

  const decidedBy = letter.decidedBy;
  const performer = letter.performedBy;
  const onBehalf = performer
    ? ` på uppdrag av ${committee} enligt avtal mellan ${performer.name} och ${letter.municipality.name}`
    : ` på delegation från ${committee}`;
  const who =
    decidedBy.kind === 'robot'
      ? [
          `Beslutet har fattats genom automatiserat beslutsfattande (28 § förvaltningslagen). Ingen handläggare har gjort en egen bedömning i ärendet; beräkningen och beslutet har gjorts av ${decidedBy.name}${performer ? `, som drivs av ${performer.name},` : ''}${onBehalf}.`,
          `Delegation: ${decidedBy.delegationReference}.`,
          `${You} kan alltid be att få tala med en handläggare om beslutet.`,
        ]
      : [
          `Beslutet har fattats av ${decidedBy.name}${decidedBy.title ? `, ${decidedBy.title}` : ''}${performer ? `, ${performer.name},` : ''}${onBehalf}.`,
          `Delegation: ${decidedBy.delegationReference}.`,
        ];
  if (performer) {
    who.push(
      `Beslutet gäller som beslut av ${committee}. ${performer.name} utför handläggningen: ${performer.note}`,
    );
  }
  sections.push({ key: 'decided_by', heading: 'Vem har fattat beslutet', paragraphs: who });

  if (against) {
    sections.push({
      key: 'appeal',
      heading: 'Hur man överklagar (besvärshänvisning)',
      paragraphs: [
        `Om ${you} inte är nöjd med beslutet kan ${you} överklaga det till förvaltningsrätten (${APPEAL_LAW}).`,
        `Överklagandet ska vara skriftligt och skickas till ${committee}, ${letter.municipality.postalAddress}. Skicka det inte direkt till förvaltningsrätten.`,
        `Överklagandet måste ha kommit in till nämnden inom tre veckor från den dag då ${you} fick del av beslutet (44 § förvaltningslagen). Annars kan det inte prövas.`,
        `Skriv vilket beslut ${you} överklagar (beslut den ${date}, diarienummer ${letter.caseReference}), vilken ändring ${you} vill ha och varför. Skicka gärna med handlingar som stöder ${yourNeuter} överklagande.`,
        `Skriv ${plural ? 'era namn, personnummer, adresser och telefonnummer' : 'ditt namn, personnummer, adress och telefonnummer'} och underteckna överklagandet.`,
        `Nämnden prövar först om beslutet ska ändras. Om nämnden inte ändrar beslutet på det sätt ${you} begär skickar nämnden överklagandet vidare till förvaltningsrätten.`,
      ],
    });
  }

  return {
    title: 'Beslut om ekonomiskt bistånd',
    letterhead: [
      letter.municipality.name,
      letter.municipality.committeeName,
      letter.municipality.postalAddress,
      `Organisationsnummer ${formatOrgNumber(letter.municipality.orgNumber)}`,
      ...(performer ? [`Handläggning utförs av ${performer.name} enligt avtal`] : []),
    ],
    meta: [
      { label: 'Beslutsdatum', value: date },
      { label: 'Diarienummer', value: letter.caseReference },
    ],
    recipient: [
      letter.applicant.name,
      ...(letter.coApplicant ? [letter.coApplicant.name] : []),
      ...(letter.applicant.postalAddress ? letter.applicant.postalAddress.split(/\s*,\s*/) : []),
    ],
    sections,
    footer: `${letter.municipality.committeeName} · ${letter.caseReference}`,
  };
}
