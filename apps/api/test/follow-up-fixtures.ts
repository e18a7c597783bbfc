import { buildPersonnummer } from '@samverkan/registers';
import type pg from 'pg';

/**
 * Case rows written straight into a tenant schema (the test database is a throwaway clone), so
 * statistics, reports and disposal can be checked against figures worked out by hand: exact
 * months, submission and decision instants, amounts and who decided.
 */
export interface CaseSpec {
  pnr: string;
  partner?: string;
  children?: { givenName: string; birthDate: string }[];
  month: string;
  channel?: 'digital' | 'paper';
  submittedAt: string;
  status?: string;
  processing?: string;
  manualReasons?: { code: string; text: string }[];
  decision?: {
    outcome: 'approved' | 'partially_approved' | 'rejected';
    amountOre: number;
    kind: 'robot' | 'person';
    by?: string;
    employer?: string | null;
    reference: string;
    decidedAt: string;
    guidelinesVersionId?: string | null;
  };
  paid?: boolean;
  /** created_at/updated_at of every row (default: the submission instant). */
  at?: string;
}

let serial = 100;
/** A valid personnummer born on `date` (YYYYMMDD); day + 60 gives a samordningsnummer. */
export const pnr = (date: string) => buildPersonnummer(date, String(++serial).padStart(3, '0'));

export async function ensureCitizen(c: pg.ClientBase, schema: string, personnummer: string, at: string) {
  const { rows } = await c.query<{ person_id: string }>(
    `INSERT INTO ${schema}.citizens (personnummer, given_name, family_name, created_at)
     VALUES ($1, 'Test', 'Testsson', $2)
     ON CONFLICT (personnummer) DO UPDATE SET given_name = excluded.given_name RETURNING person_id`,
    [personnummer, at],
  );
  return rows[0]?.person_id as string;
}

let caseSerial = 0;

export async function insertCase(c: pg.ClientBase, schema: string, spec: CaseSpec) {
  const at = spec.at ?? spec.submittedAt;
  const personId = await ensureCitizen(c, schema, spec.pnr, at);
  const form = {
    month: spec.month,
    household: {
      partner: spec.partner
        ? { personnummer: spec.partner, givenName: 'Partner', familyName: 'Testsson' }
        : null,
      children: (spec.children ?? []).map((ch) => ({
        ...ch,
        inSchoolLivingAtHome: false,
        preschoolLunch: false,
      })),
    },
    incomes: [],
    costs: [{ type: 'rent', amountOre: 500_000 }],
    otherItems: [],
  };
  const key = [spec.pnr, spec.partner].filter(Boolean).sort().join('+');
  const caseNumber = `EB-${schema.slice(7)}-FU-${String(++caseSerial).padStart(5, '0')}`;
  const decided = spec.decision !== undefined;
  const { rows } = await c.query<{ application_id: string }>(
    `INSERT INTO ${schema}.applications
       (case_number, person_id, month, channel, status, household_key, form, submitted_at, due_at, processing,
        manual_reasons, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $11, $11) RETURNING application_id`,
    [
      caseNumber,
      personId,
      spec.month,
      spec.channel ?? 'digital',
      spec.status ?? (decided ? 'completed' : 'in_progress'),
      key,
      JSON.stringify(form),
      spec.submittedAt,
      spec.processing ?? (decided ? 'decided' : 'manual'),
      JSON.stringify(spec.manualReasons ?? []),
      at,
    ],
  );
  const applicationId = rows[0]?.application_id as string;
  if (spec.decision) {
    const d = spec.decision;
    const dec = await c.query<{ decision_id: string }>(
      `INSERT INTO ${schema}.decisions
         (application_id, outcome, amount_ore, month, reasons, legal_basis, decided_by_kind, decided_by,
          decided_by_name, decided_by_employer, delegation_rule_id, delegation_reference, committee_name, letter,
          decided_at, guidelines_version_id)
       VALUES ($1, $2, $3, $4, '[]', '12 kap. 1 § SoL', $5, $6, $6, $7, gen_random_uuid(), $8, 'Socialnämnden', '{}',
               $9, $10)
       RETURNING decision_id`,
      [
        applicationId,
        d.outcome,
        d.amountOre,
        spec.month,
        d.kind,
        d.by ?? (d.kind === 'robot' ? 'robot' : 'handlaggare.trelleborg'),
        d.employer === undefined ? (d.kind === 'robot' ? null : '1287') : d.employer,
        d.reference,
        d.decidedAt,
        d.guidelinesVersionId ?? null,
      ],
    );
    if (spec.paid && d.outcome !== 'rejected') {
      await c.query(
        `INSERT INTO ${schema}.payments
           (decision_id, application_id, amount_ore, payee_name, payee_account, payment_date, created_at)
         VALUES ($1, $2, $3, 'Test Testsson', '{"kind":"bank_account","clearing":"8327","account":"9412345678"}',
                 ($4::timestamptz)::date, $4)`,
        [dec.rows[0]?.decision_id, applicationId, d.amountOre, d.decidedAt],
      );
    }
  }
  return { applicationId, caseNumber, personId };
}
