import { randomUUID } from 'node:crypto';
import { DEMO_AGREEMENT } from '@samverkan/core';
import { validatePeppol } from '@samverkan/documents/peppol-validation';
import { expect } from 'vitest';
import type { TestApp } from './helpers.ts';

export const HOST = 'ekonomi.trelleborg';

let serial = 0;

/**
 * Paid assistance in a tenant schema, as the case-handling flow leaves it: a citizen, a completed
 * application for the month, the decision and a payment sent in a payment file. Written directly
 * (fixture data of another capability): billing only reads these tables.
 */
export async function paidAssistance(
  t: TestApp,
  schema: string,
  p: { month: string; paymentDate: string; amountOre: number; status?: 'in_file' | 'pending' },
): Promise<{ personnummer: string; familyName: string }> {
  serial += 1;
  const personnummer = `1985${String(serial).padStart(8, '0')}`;
  const familyName = `Bistandsson${serial}`;
  await t.admin(async (c) => {
    const person = await c.query(
      `INSERT INTO ${schema}.citizens (personnummer, given_name, family_name) VALUES ($1, 'Test', $2) RETURNING person_id`,
      [personnummer, familyName],
    );
    const personId = person.rows[0].person_id as string;
    const app = await c.query(
      `INSERT INTO ${schema}.applications (case_number, person_id, month, channel, status, household_key, form, submitted_at)
       VALUES ($1, $2, $3, 'digital', 'completed', $4, '{}', now()) RETURNING application_id`,
      [`FAKT-${serial}-${randomUUID().slice(0, 8)}`, personId, p.month, personnummer],
    );
    const applicationId = app.rows[0].application_id as string;
    const decision = await c.query(
      `INSERT INTO ${schema}.decisions (application_id, outcome, amount_ore, month, reasons, legal_basis,
         decided_by_kind, decided_by, decided_by_name, delegation_rule_id, delegation_reference,
         committee_name, letter, decided_at)
       VALUES ($1, 'approved', $2, $3, '[]', '12 kap. 1 § SoL', 'robot', 'robot', 'Beslutsrobot', $4, '4.1.1',
         'Socialnämnden', '{}', $5::date + time '10:00') RETURNING decision_id`,
      [applicationId, p.amountOre, p.month, randomUUID(), `${p.month}-02`],
    );
    await c.query(
      `INSERT INTO ${schema}.payments (decision_id, application_id, amount_ore, payee_name, payee_account, payment_date, status)
       VALUES ($1, $2, $3, $4, '{"kind":"bankgiro","number":"1234567"}', $5, $6)`,
      [
        decision.rows[0].decision_id,
        applicationId,
        p.amountOre,
        `Test ${familyName}`,
        p.paymentDate,
        p.status ?? 'in_file',
      ],
    );
  });
  return { personnummer, familyName };
}

/** Persons enrolled in the labour-market programme: a plan covering [from, to]. */
export async function enrolled(t: TestApp, schema: string, count: number, from: string, to: string) {
  await t.admin((c) =>
    c.query(
      `WITH p AS (
         INSERT INTO ${schema}.citizens (personnummer, given_name, family_name)
         SELECT '1970' || lpad((g + $1)::text, 8, '0'), 'Inskriven', 'Person' || g FROM generate_series(1, $2) g
         RETURNING person_id)
       INSERT INTO ${schema}.labour_assessments (person_id, available_for_work, plan_from, plan_to, recorded_by)
       SELECT person_id, true, $3, $4, 'ask.trelleborg' FROM p`,
      [serial * 10_000 + 500_000, count, from, to],
    ),
  );
  serial += 1;
}

/** The seeded terms with changes: what host finance PUTs to /billing/terms. */
export const termsWith = (over: Record<string, unknown>) => ({ ...DEMO_AGREEMENT.billingTerms, ...over });

/** Every generated UBL must pass the CEN EN 16931 and Peppol BIS 3 (incl. SE-R) rules: no fatal assert. */
export async function expectValidPeppol(xml: string) {
  const result = await validatePeppol(xml);
  expect(result.fatal, JSON.stringify(result.fatal, null, 1)).toEqual([]);
  return result;
}

export async function call(
  t: TestApp,
  user: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
) {
  return t.app.inject({
    method,
    url: `/v1/municipalities${url}`,
    headers: t.auth(user),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
