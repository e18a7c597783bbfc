import { findMunicipality, platform } from '@samverkan/db';
import { DomainError, parseIsoDate, parseOrganisationNumber } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';
import { actorName, loadAgreement, requireHost } from './shared.ts';
import { type BillingTerms, parseBillingTerms, VARIABLE_COST_CATEGORIES } from './terms.ts';

// ---------------------------------------------------------------- agreement terms

/** The agreement the request acts under (host staff) or the municipality's agreements in force (own staff). */
async function agreementFor(ctx: Ctx) {
  if (ctx.access.basis === 'agreement') return loadAgreement(ctx.db, ctx.access.agreementId, ctx.tenant.code);
  const today = stockholmToday(ctx.now());
  const row = await platform(ctx.db)
    .selectFrom('agreements')
    .selectAll()
    .where('tenantCode', '=', ctx.tenant.code)
    .where('status', '=', 'active')
    .where('validFrom', '<=', today)
    .where((eb) => eb.or([eb('validTo', 'is', null), eb('validTo', '>=', today)]))
    .orderBy('validFrom', 'desc')
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'Kommunen har inget avtal i kraft.');
  return row;
}

export async function getBillingTerms(ctx: Ctx) {
  const agreement = await agreementFor(ctx);
  let terms: BillingTerms | null = null;
  let problem: string | null = null;
  try {
    terms = parseBillingTerms(agreement.billingTerms, 'stored');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problem = error.message;
  }
  return { agreement, terms, problem };
}

/** Replaces the agreement's billing terms (host finance). Issued invoices keep their own copy. */
export async function setBillingTerms(ctx: Ctx, raw: unknown) {
  const host = await requireHost(ctx, 'billing.set_terms');
  const terms = parseBillingTerms(raw);
  const agreement = await ctx.db.transaction().execute(async (trx) => {
    const row = await platform(trx)
      .updateTable('agreements')
      .set({ billingTerms: JSON.stringify(terms) })
      .where('agreementId', '=', host.agreementId)
      .where('tenantCode', '=', ctx.tenant.code)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'Avtalet finns inte för kommunen.');
    await recordAudit(
      ctx,
      { action: 'billing.set_terms', objectType: 'agreement', objectId: row.agreementId, detail: { terms } },
      trx,
    );
    return row;
  });
  return { agreement, terms };
}

// ---------------------------------------------------------------- billing profile

export interface BillingProfileInput {
  organisationNumber?: string;
  street?: string | null;
  postalZone?: string | null;
  city?: string | null;
  bankgiro?: string | null;
  contactEmail?: string | null;
}

export async function getBillingProfile(ctx: Ctx) {
  const m = await findMunicipality(platform(ctx.db), ctx.tenant.code);
  const profile = await platform(ctx.db)
    .selectFrom('billingProfiles')
    .selectAll()
    .where('municipalityCode', '=', ctx.tenant.code)
    .executeTakeFirst();
  return {
    municipalityCode: ctx.tenant.code,
    name: ctx.tenant.name,
    organisationNumber: m?.organisationNumber ?? null,
    street: profile?.street ?? null,
    postalZone: profile?.postalZone ?? null,
    city: profile?.city ?? null,
    bankgiro: profile?.bankgiro ?? null,
    contactEmail: profile?.contactEmail ?? null,
  };
}

/**
 * The municipality's invoicing details: organisation number (Luhn-checked; the registry has
 * no other way to enter it yet), postal address and, for an issuer, the Bankgiro it is paid to.
 * The municipality's own finance staff or the host's (under the agreement) may set them.
 */
export async function setBillingProfile(ctx: Ctx, input: BillingProfileInput) {
  const organisationNumber =
    input.organisationNumber === undefined ? undefined : parseOrganisationNumber(input.organisationNumber);
  const bankgiro =
    input.bankgiro === undefined || input.bankgiro === null
      ? input.bankgiro
      : input.bankgiro.replace(/[\s-]/g, '');
  if (bankgiro && !/^\d{7,8}$/.test(bankgiro)) {
    throw new DomainError('validation_failed', 'Bankgironumret ska ha 7–8 siffror.', {
      issues: [{ path: 'bankgiro', message: '7–8 siffror' }],
    });
  }
  const postalZone = input.postalZone?.replace(/\s/g, '') ?? input.postalZone;
  if (postalZone && !/^\d{5}$/.test(postalZone)) {
    throw new DomainError('validation_failed', 'Postnumret ska ha fem siffror.', {
      issues: [{ path: 'postalZone', message: 'fem siffror' }],
    });
  }
  const fields = {
    ...(input.street !== undefined ? { street: input.street?.trim() || null } : {}),
    ...(postalZone !== undefined ? { postalZone: postalZone || null } : {}),
    ...(input.city !== undefined ? { city: input.city?.trim() || null } : {}),
    ...(bankgiro !== undefined ? { bankgiro: bankgiro || null } : {}),
    ...(input.contactEmail !== undefined ? { contactEmail: input.contactEmail?.trim() || null } : {}),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const p = platform(trx);
    if (organisationNumber !== undefined) {
      await p
        .updateTable('municipalities')
        .set({ organisationNumber, updatedAt: ctx.now() })
        .where('municipalityCode', '=', ctx.tenant.code)
        .execute();
    }
    await p
      .insertInto('billingProfiles')
      .values({
        municipalityCode: ctx.tenant.code,
        ...fields,
        updatedBy: actorName(ctx),
        updatedAt: ctx.now(),
      })
      .onConflict((oc) =>
        oc
          .column('municipalityCode')
          .doUpdateSet({ ...fields, updatedBy: actorName(ctx), updatedAt: ctx.now() }),
      )
      .execute();
    await recordAudit(
      ctx,
      {
        action: 'billing.set_profile',
        objectType: 'billing_profile',
        objectId: ctx.tenant.code,
        detail: { ...fields, ...(organisationNumber ? { organisationNumber } : {}) },
      },
      trx,
    );
  });
  return getBillingProfile(ctx);
}

// ---------------------------------------------------------------- variable costs

export interface VariableCostInput {
  date: string;
  category: (typeof VARIABLE_COST_CATEGORIES)[number];
  amountOre: number;
  note?: string;
  receiptReference?: string;
}

/**
 * A cost the host paid for the tenant, to be re-invoiced at cost price on the next invoice whose
 * period ends on or after the cost date. Registered by the host's finance staff under the agreement.
 */
export async function createVariableCost(ctx: Ctx, input: VariableCostInput) {
  const host = await requireHost(ctx, 'billing.create_variable_cost');
  parseIsoDate(input.date);
  if (!Number.isSafeInteger(input.amountOre) || input.amountOre <= 0) {
    throw new DomainError('validation_failed', 'Beloppet ska vara hela ören större än noll.', {
      issues: [{ path: 'amountOre', message: 'heltal öre > 0' }],
    });
  }
  if (!VARIABLE_COST_CATEGORIES.includes(input.category))
    throw new DomainError('validation_failed', 'Okänd kostnadskategori.');
  const agreement = await loadAgreement(ctx.db, host.agreementId, ctx.tenant.code);
  if (input.date < agreement.validFrom || (agreement.validTo !== null && input.date > agreement.validTo)) {
    throw new DomainError('validation_failed', 'Kostnadsdatumet ligger utanför avtalets giltighetstid.', {
      issues: [{ path: 'date', message: 'utanför avtalet' }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const row = await platform(trx)
      .insertInto('variableCosts')
      .values({
        agreementId: agreement.agreementId,
        municipalityCode: ctx.tenant.code,
        costDate: input.date,
        category: input.category,
        amountOre: input.amountOre,
        note: input.note?.trim() || null,
        receiptReference: input.receiptReference?.trim() || null,
        registeredBy: actorName(ctx),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      {
        action: 'billing.create_variable_cost',
        objectType: 'variable_cost',
        objectId: row.variableCostId,
        detail: { category: row.category, amountOre: row.amountOre, date: row.costDate },
      },
      trx,
    );
    return row;
  });
}

export async function listVariableCosts(ctx: Ctx, filter: { from?: string; to?: string } = {}) {
  let q = platform(ctx.db)
    .selectFrom('variableCosts')
    .selectAll()
    .where('municipalityCode', '=', ctx.tenant.code);
  if (ctx.access.basis === 'agreement') q = q.where('agreementId', '=', ctx.access.agreementId);
  if (filter.from) q = q.where('costDate', '>=', filter.from);
  if (filter.to) q = q.where('costDate', '<=', filter.to);
  // Notes are free text and may name people: the read is audited like any case-level read.
  const rows = await q.orderBy('costDate').orderBy('registeredAt').limit(1000).execute();
  await recordAudit(ctx, {
    action: 'billing.list_variable_costs',
    detail: { ...filter, count: rows.length },
  });
  return rows;
}
