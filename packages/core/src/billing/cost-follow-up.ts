import { platform, tenant } from '@samverkan/db';
import { DomainError, stockholmEndOfDay, stockholmStartOfDay } from '@samverkan/domain';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';
import { divideHalfUp, parsePeriod } from './billing-math.ts';
import type { StoredLine } from './compose.ts';
import { getBillingTerms } from './settings.ts';

const sumBy = (lines: StoredLine[], pick: (l: StoredLine) => boolean) =>
  lines.filter(pick).reduce((s, l) => s + l.lineTotalOre, 0);

const perUnit = (total: number, n: number) => (n > 0 ? divideHalfUp(Math.max(total, 0), n) : null);

/**
 * What the agreement costs the tenant this year: issued invoices net of credit notes, split into
 * the agreement's fee (fixed part or price model), variable costs and re-invoiced assistance (the
 * tenant's own money, so not a cost of the agreement); per enrolled person and per decision, and
 * against the tenant's own cost per enrolled person before the agreement (terms).
 * Enrolled = persons with a labour-market plan covering part of the year up to today.
 */
export async function costFollowUp(ctx: Ctx, year: number) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw new DomainError('validation_failed', 'Ogiltigt år.');
  const { agreement, terms } = await getBillingTerms(ctx);
  const today = stockholmToday(ctx.now());
  const yearStart = `${year}-01-01`;
  const yearEnd = `${year}-12-31`;
  if (yearStart > today) throw new DomainError('validation_failed', 'Året har inte börjat.');
  const until = today < yearEnd ? today : yearEnd;

  const documents = await platform(ctx.db)
    .selectFrom('invoices')
    .select(['invoiceId', 'kind', 'status', 'periodLabel', 'lines', 'creditedInvoiceId', 'totalOre'])
    .where('buyerCode', '=', ctx.tenant.code)
    .where('agreementId', '=', agreement.agreementId)
    .where('status', '<>', 'draft')
    .where('periodStart', '>=', yearStart)
    .where('periodStart', '<=', yearEnd)
    .execute();
  let feeOre = 0;
  let variableOre = 0;
  let assistanceOre = 0;
  const months = new Set<string>();
  for (const d of documents) {
    const lines = d.lines as unknown as StoredLine[];
    const sign = d.kind === 'credit_note' ? -1 : 1;
    feeOre +=
      sign *
      sumBy(
        lines,
        (l) => l.category === 'fixed' || l.category === 'price_model' || l.category === 'correction',
      );
    variableOre += sign * sumBy(lines, (l) => l.category === 'variable');
    assistanceOre += sign * sumBy(lines, (l) => l.category === 'assistance');
    if (d.kind === 'invoice' && d.status === 'issued')
      for (const m of parsePeriod(d.periodLabel).months) months.add(m);
  }
  const agreementCostOre = feeOre + variableOre;

  const t = tenant(ctx.db, ctx.tenant.schema);
  const enrolled = await t
    .selectFrom('labourAssessments')
    .select(sql<number>`count(DISTINCT person_id)::int`.as('n'))
    .where('planFrom', '<=', until)
    .where('planTo', '>=', yearStart)
    .executeTakeFirstOrThrow();
  const decisions = await t
    .selectFrom('decisions')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('decidedAt', '>=', stockholmStartOfDay(yearStart))
    .where('decidedAt', '<=', stockholmEndOfDay(until))
    .executeTakeFirstOrThrow();

  const monthsInvoiced = months.size;
  const costPerEnrolledOre = perUnit(agreementCostOre, enrolled.n);
  // A year's cost from the months invoiced so far, comparable with a yearly figure.
  const annualisedPerEnrolledOre =
    monthsInvoiced > 0 && enrolled.n > 0
      ? divideHalfUp(Math.max(agreementCostOre, 0) * 12, monthsInvoiced * enrolled.n)
      : null;
  const before = terms?.costBeforeAgreementPerEnrolledOre ?? null;
  await recordAudit(ctx, { action: 'billing.cost_follow_up', detail: { year } });
  return {
    year,
    until,
    agreementId: agreement.agreementId,
    monthsInvoiced,
    feeOre,
    variableCostsOre: variableOre,
    agreementCostOre,
    reinvoicedAssistanceOre: assistanceOre,
    enrolledPersons: enrolled.n,
    decisions: decisions.n,
    costPerEnrolledOre,
    annualisedPerEnrolledOre,
    costPerDecisionOre: perUnit(agreementCostOre, decisions.n),
    agreedPricePerEnrolledYearOre: terms?.perEnrolledPersonYearOre ?? null,
    beforeAgreementPerEnrolledOre: before,
    differencePerEnrolledOre:
      before !== null && annualisedPerEnrolledOre !== null ? annualisedPerEnrolledOre - before : null,
  };
}
