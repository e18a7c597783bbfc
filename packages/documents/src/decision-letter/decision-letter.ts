import type { Ore } from '@samverkan/domain';

/** The data of a written decision on ekonomiskt bistånd (input to compose/render). */
export interface DecisionLetter {
  /** The municipality whose committee the decision belongs to (the huvudman, i.e. the tenant). */
  readonly municipality: {
    /** Kommunkod, e.g. '1263'. */
    readonly code: string;
    /** 'Svedala kommun'. */
    readonly name: string;
    /** 'Socialnämnden i Svedala kommun': the committee that decided and that receives appeals. */
    readonly committeeName: string;
    /** Postal address of the committee, e.g. 'Box 123, 233 80 Svedala'. */
    readonly postalAddress: string;
    readonly orgNumber: string;
  };
  /** Set when the host performs the work under an agreement (avtalssamverkan). */
  readonly performedBy?: { readonly name: string; readonly note: string };
  readonly caseReference: string;
  /** 'YYYY-MM-DD'. */
  readonly decisionDate: string;
  readonly applicant: {
    readonly name: string;
    readonly personnummer: string;
    readonly postalAddress?: string;
  };
  readonly coApplicant?: { readonly name: string; readonly personnummer: string };
  readonly outcome: DecisionOutcome;
  /** The month the assistance relates to. */
  readonly period: { readonly month: string };
  readonly approvedAmountOre: Ore;
  readonly appliedAmountOre?: Ore;
  readonly calculationLines: readonly { readonly label: string; readonly amountOre: Ore }[];
  /** Swedish sentences. Required (non-empty) whenever the decision goes against the applicant. */
  readonly reasons: readonly string[];
  /** e.g. '12 kap. 1 § socialtjänstlagen (2025:400)'. */
  readonly legalBasis: string;
  readonly decidedBy: {
    readonly kind: 'robot' | 'person';
    readonly name: string;
    readonly title?: string;
    /** e.g. 'Delegationsordning punkt 4.1, beslut enligt 12 kap. 1 § SoL'. */
    readonly delegationReference: string;
    /** The committee on whose behalf the decision is taken; defaults to `municipality.committeeName`. */
    readonly onBehalfOf?: string;
  };
  readonly payment?: { readonly date: string; readonly accountMasked: string };
}

export type DecisionOutcome = 'approved' | 'partially_approved' | 'rejected';

export interface LetterTableRow {
  readonly label: string;
  readonly value: string;
  /** A sum row, drawn bold with a rule above it. */
  readonly isTotal?: boolean;
}

export interface LetterSection {
  /** Stable key for code and tests ('decision', 'reasons', 'appeal', …); the heading is the Swedish text. */
  readonly key: LetterSectionKey;
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly table?: readonly LetterTableRow[];
}

export type LetterSectionKey =
  | 'case'
  | 'decision'
  | 'reasons'
  | 'calculation'
  | 'payment'
  | 'decided_by'
  | 'appeal'
  | 'contact';

/** A structured letter, independent of the output format (PDF now; HTML for Mina sidor later). */
export interface LetterDocument {
  readonly title: string;
  /** Sender block at the top: municipality, committee, address, org nr, and who performs the work. */
  readonly letterhead: readonly string[];
  /** Right-hand block: date and case reference. */
  readonly meta: readonly LetterTableRow[];
  /** Recipient address block (name, address). */
  readonly recipient: readonly string[];
  readonly sections: readonly LetterSection[];
  /** Footer text on every page. */
  readonly footer: string;
}
