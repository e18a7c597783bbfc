import { type Agreement, type InvoiceRow, platform, type RootDb, tenant } from '@samverkan/db';
import { addDays, DomainError, stockholmEndOfDay, stockholmStartOfDay } from '@samverkan/domain';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';
import {
  type BillingPeriod,
  monthEnd,
  monthStart,
  parsePeriod,
  previousPeriod,
  unbilledRanges,
} from './billing-math.ts';
import { type AssistanceMonth, composeInvoice } from './compose.ts';
import { actorName, loadAgreement, lockKey, requireHost } from './shared.ts';
import { type BillingTerms, parseBillingTerms } from './terms.ts';

export interface RunInvoiceInput {
  /** Required for the scheduled job; the API acts under the agreement in force. */
  agreementId?: string;
  /** 'YYYY-MM' or 'YYYY-Qn'; without it, the period before today's. */
  period?: string;
}

export interface RunInvoiceResult {
  invoice: InvoiceRow;
  /** created: a new draft; refreshed: the period's draft recomputed; unchanged: already issued. */
  outcome: 'created' | 'refreshed' | 'unchanged';
}

/** Whole months of the period in which the agreement is in force. */
function billableMonths(agreement: Agreement, period: BillingPeriod): string[] {
  return period.months.filter(
    (m) =>
      monthEnd(m) >= agreement.validFrom &&
      (agreement.validTo === null || monthStart(m) <= agreement.validTo),
  );
}

async function enrolledByMonth(db: RootDb, schema: string, months: readonly string[]) {
  const result: Record<string, number> = {};
  for (const month of months) {
    // Enrolled = a person with a labour-market plan (arbetsmarknadsplan) covering part of the month.
    const row = await tenant(db, schema)
      .selectFrom('labourAssessments')
      .select(sql<number>`count(DISTINCT person_id)::int`.as('n'))
      .where('planFrom', '<=', monthEnd(month))
      .where('planTo', '>=', monthStart(month))
      .executeTakeFirstOrThrow();
    result[month] = row.n;
  }
  return result;
}

async function decisionsIn(db: RootDb, schema: string, start: string, end: string): Promise<number> {
  const row = await tenant(db, schema)
    .selectFrom('decisions')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('decidedAt', '>=', stockholmStartOfDay(start))
    .where('decidedAt', '<=', stockholmEndOfDay(end))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Assistance the host paid out for the tenant, by the month it relates to, that no live invoice
 * has billed yet. Reads the tenant's own payments (sent in a payment file by the end of the
 * period) as totals per month — no person is named or counted on the invoice.
 */
async function unbilledAssistance(
  db: RootDb,
  schema: string,
  agreement: Agreement,
  period: BillingPeriod,
): Promise<AssistanceMonth[]> {
  const lastMonth = period.months[period.months.length - 1] as string;
  const paid = await tenant(db, schema)
    .selectFrom('payments')
    .innerJoin('applications', 'applications.applicationId', 'payments.applicationId')
    .select(['applications.month', sql<number>`sum(payments.amount_ore)::bigint`.as('paidOre')])
    .where('payments.status', '=', 'in_file')
    .where('payments.paymentDate', '<=', period.end)
    .where('applications.month', '<=', lastMonth)
    .where('applications.month', '>=', agreement.validFrom.slice(0, 7))
    .groupBy('applications.month')
    .execute();
  if (paid.length === 0) return [];
  const billed = await platform(db)
    .selectFrom('reinvoicedAssistance')
    .select(['month', 'fromOre', 'toOre'])
    .where('agreementId', '=', agreement.agreementId)
    .where('active', '=', true)
    .execute();
  return paid.map((p) => ({
    month: p.month,
    ranges: unbilledRanges(
      billed.filter((b) => b.month === p.month),
      p.paidOre,
    ),
  }));
}

/**
 * The invoice run for one agreement and period: creates the period's draft, or recomputes the
 * existing draft (variable costs registered since are picked up), or returns the issued invoice
 * unchanged. Running the same period twice never makes a second invoice: runs are serialised per
 * agreement and period, and the database allows one live invoice per agreement and period.
 * The scheduled job (robot) and the host's finance staff may run; only finance staff issue.
 */
export async function runInvoice(ctx: Ctx, input: RunInvoiceInput): Promise<RunInvoiceResult> {
  let agreementId: string;
  if (ctx.actor.kind === 'robot') {
    if (!input.agreementId) throw new DomainError('validation_failed', 'Avtal saknas för fakturakörningen.');
    agreementId = input.agreementId;
  } else {
    agreementId = (await requireHost(ctx, 'billing.run_invoice')).agreementId;
    if (input.agreementId && input.agreementId !== agreementId)
      throw new DomainError('not_found', 'Avtalet finns inte för kommunen.');
  }
  const agreement = await loadAgreement(ctx.db, agreementId, ctx.tenant.code);
  const terms: BillingTerms = parseBillingTerms(agreement.billingTerms, 'stored');
  const today = stockholmToday(ctx.now());
  const period = input.period ? parsePeriod(input.period) : previousPeriod(today, terms.invoicePeriod);
  if (period.kind !== terms.invoicePeriod) {
    throw new DomainError(
      'validation_failed',
      terms.invoicePeriod === 'monthly'
        ? 'Avtalet faktureras månadsvis: ange perioden som ÅÅÅÅ-MM.'
        : 'Avtalet faktureras kvartalsvis: ange perioden som ÅÅÅÅ-Qn.',
      { issues: [{ path: 'period', message: `perioden ska vara ${terms.invoicePeriod}` }] },
    );
  }
  if (period.end >= today) {
    throw new DomainError(
      'invalid_state',
      `Perioden ${period.label} är inte avslutad; den kan faktureras från ${addDays(period.end, 1)}.`,
    );
  }
  const months = billableMonths(agreement, period);
  if (months.length === 0)
    throw new DomainError('invalid_state', `Avtalet gäller inte under perioden ${period.label}.`);
  if (agreement.status !== 'active')
    throw new DomainError('invalid_state', 'Avtalet är avslutat; inga nya fakturor skapas.');

  const createdBy = actorName(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    await lockKey(trx, `billing:run:${agreement.agreementId}:${period.start}`);
    const p = platform(trx);
    const existing = await p
      .selectFrom('invoices')
      .selectAll()
      .where('agreementId', '=', agreement.agreementId)
      .where('kind', '=', 'invoice')
      .where('periodStart', '=', period.start)
      .where('status', '<>', 'credited')
      .forUpdate()
      .executeTakeFirst();
    if (existing && existing.status !== 'draft') return { invoice: existing, outcome: 'unchanged' as const };

    const variableCosts = await p
      .selectFrom('variableCosts')
      .select(['variableCostId', 'category', 'amountOre'])
      .where('agreementId', '=', agreement.agreementId)
      .where('invoiceId', 'is', null)
      .where('costDate', '<=', period.end)
      .orderBy('costDate')
      .orderBy('variableCostId')
      .execute();
    const content = composeInvoice({
      period,
      terms,
      billableMonths: months,
      enrolledByMonth:
        terms.priceModel === 'per_enrolled_person'
          ? await enrolledByMonth(trx, ctx.tenant.schema, months)
          : {},
      decisions:
        terms.priceModel === 'per_decided_application'
          ? await decisionsIn(trx, ctx.tenant.schema, period.start, period.end)
          : 0,
      variableCosts,
      assistance:
        terms.assistancePayout === 'host_reinvoiced'
          ? await unbilledAssistance(trx, ctx.tenant.schema, agreement, period)
          : [],
    });
    if (content.totalOre <= 0)
      throw new DomainError('invalid_state', `Det finns inget att fakturera för ${period.label}.`);

    const values = {
      lines: JSON.stringify(content.lines),
      specification: JSON.stringify(content.specification),
      terms: JSON.stringify(terms),
      totalOre: content.totalOre,
      variableCostIds: content.variableCostIds,
      assistanceMonths: JSON.stringify(content.assistanceRanges),
      updatedAt: ctx.now(),
    };
    const invoice = existing
      ? await p
          .updateTable('invoices')
          .set(values)
          .where('invoiceId', '=', existing.invoiceId)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await p
          .insertInto('invoices')
          .values({
            ...values,
            kind: 'invoice',
            agreementId: agreement.agreementId,
            issuerCode: agreement.hostCode,
            buyerCode: agreement.tenantCode,
            periodStart: period.start,
            periodEnd: period.end,
            periodLabel: period.label,
            createdBy,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    const outcome = existing ? ('refreshed' as const) : ('created' as const);
    await recordAudit(
      ctx,
      {
        action: 'billing.run_invoice',
        objectType: 'invoice',
        objectId: invoice.invoiceId,
        detail: { period: period.label, outcome, totalOre: content.totalOre },
      },
      trx,
    );
    return { invoice, outcome };
  });
}
