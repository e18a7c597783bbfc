import { DomainError } from '@samverkan/domain';
import { z } from 'zod';

/**
 * An agreement's billing terms (agreements.billing_terms, jsonb). The terms stay on the
 * agreement — they are part of the contract and change rarely; changes within a year (the
 * yearly salary revision) are dated entries in `indexation`. Every invoice stores the terms it
 * was computed with, so a later change never alters an issued invoice.
 */
const ore = z.number().int().min(0).max(1e13);
const firstOfMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-01$/, 'indexering gäller från den första i en månad (ÅÅÅÅ-MM-01)');
const percent = z
  .number()
  .min(-50)
  .max(100)
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, 'högst två decimaler');

export const PRICE_MODELS = ['fixed_yearly', 'per_enrolled_person', 'per_decided_application'] as const;
export type PriceModel = (typeof PRICE_MODELS)[number];

export const billingTermsSchema = z
  .strictObject({
    invoicePeriod: z.enum(['monthly', 'quarterly']),
    /** What the agreement's fee is: fixed yearly self-cost, or a price per enrolled person / per decision. */
    priceModel: z.enum(PRICE_MODELS).default('fixed_yearly'),
    /** Fixed yearly self-cost in öre, including on-cost (seed: 3 992 500 kr). */
    fixedYearlyOre: ore.default(0),
    fullTimePosts: z.number().positive().max(1000).optional(),
    onCostPercent: z.number().min(0).max(100).optional(),
    /** Yearly salary revision: each entry raises the prices in force by `percent` from `from`. */
    indexation: z.array(z.strictObject({ from: firstOfMonth, percent })).default([]),
    perEnrolledPersonYearOre: ore.optional(),
    perDecidedApplicationOre: ore.optional(),
    /** The tenant's own cost per enrolled person before the agreement (seed: 28 915 kr), for follow-up. */
    costBeforeAgreementPerEnrolledOre: ore.optional(),
    /** Variable costs are always re-invoiced at cost price (självkostnad: no markup). */
    variableCostsAtCostPrice: z.literal(true).default(true),
    /** Who pays out the tenant's assistance: its own account, or the host, who re-invoices it. */
    assistancePayout: z.enum(['tenant_account', 'host_reinvoiced']),
    vatCategory: z.enum(['O', 'E', 'S']).default('O'),
    vatRatePercent: z.union([z.literal(6), z.literal(12), z.literal(25)]).optional(),
    vatExemptionReason: z.string().trim().min(1).max(200).optional(),
    buyerReference: z.string().trim().min(1).max(100),
    paymentTermsDays: z.number().int().min(1).max(90).default(30),
  })
  .superRefine((t, ctx) => {
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    need(
      t.priceModel !== 'fixed_yearly' || t.fixedYearlyOre > 0,
      'fixedYearlyOre',
      'fast årsbelopp krävs för prismodellen fixed_yearly',
    );
    need(
      t.priceModel !== 'per_enrolled_person' || (t.perEnrolledPersonYearOre ?? 0) > 0,
      'perEnrolledPersonYearOre',
      'pris per inskriven person och år krävs för prismodellen per_enrolled_person',
    );
    need(
      t.priceModel !== 'per_decided_application' || (t.perDecidedApplicationOre ?? 0) > 0,
      'perDecidedApplicationOre',
      'pris per beslutad ansökan krävs för prismodellen per_decided_application',
    );
    need(t.vatCategory !== 'S' || t.vatRatePercent !== undefined, 'vatRatePercent', 'momssats krävs för S');
    need(t.vatCategory === 'S' || t.vatRatePercent === undefined, 'vatRatePercent', 'momssats bara för S');
    need(
      t.vatCategory !== 'E' || t.vatExemptionReason !== undefined,
      'vatExemptionReason',
      'skäl för momsbefrielse krävs för E',
    );
    const dates = t.indexation.map((i) => i.from);
    need(new Set(dates).size === dates.length, 'indexation', 'två indexeringar från samma datum');
  });

export type BillingTerms = z.infer<typeof billingTermsSchema>;

/**
 * Parses submitted terms (a 400 naming the fields) or stored ones (`stored`: a 409 — the
 * agreement must be completed before it can be invoiced). Never a 500.
 */
export function parseBillingTerms(raw: unknown, source: 'submitted' | 'stored' = 'submitted'): BillingTerms {
  const result = billingTermsSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    if (source === 'stored') {
      throw new DomainError(
        'invalid_state',
        `Avtalets faktureringsvillkor är ofullständiga: ${issues.map((i) => `${i.path || 'villkor'}: ${i.message}`).join('; ')}.`,
      );
    }
    throw new DomainError('validation_failed', 'Faktureringsvillkoren är ofullständiga eller felaktiga.', {
      issues,
    });
  }
  return {
    ...result.data,
    indexation: [...result.data.indexation].sort((a, b) => a.from.localeCompare(b.from)),
  };
}

export const VARIABLE_COST_CATEGORIES = [
  'training',
  'travel',
  'per_diem',
  'material',
  'bus_passes',
  'fuel',
  'other',
] as const;

/** Swedish labels for invoices and PDFs. */
export const VARIABLE_COST_LABELS: Record<(typeof VARIABLE_COST_CATEGORIES)[number], string> = {
  training: 'Utbildning',
  travel: 'Resor',
  per_diem: 'Traktamenten',
  material: 'Material',
  bus_passes: 'Busskort',
  fuel: 'Drivmedel',
  other: 'Övrigt',
};
