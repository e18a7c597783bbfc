import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { isoDateSchema, oreSchema, parseOrThrow } from './issues.ts';
import { COST_TYPES } from './types.ts';

export const ROUNDING_RULES = ['none', 'down_to_krona', 'nearest_krona', 'down_to_ten_kronor'] as const;
export type RoundingRule = (typeof ROUNDING_RULES)[number];

const rateSchema = z.number().min(0).max(1);

export const rentCeilingRowSchema = z.strictObject({
  adults: z.union([z.literal(1), z.literal(2)]),
  children: z.int().min(0).max(20),
  maxRentOre: oreSchema,
});

export type RentCeilingRow = z.output<typeof rentCeilingRowSchema>;

/**
 * A municipality's riktlinjer, effective from a date. Rates are fractions (0.10 = 10 %).
 * Cross-field rules: rent ceiling rows unique by adults+children, with a 0-children row for both
 * 1 and 2 adults, never lower for more children; 'otherItem' can never be robot-approvable;
 * sample-check + blind-review rates together at most 1.
 */
export const tenantGuidelinesSchema = z
  .strictObject({
    effectiveFrom: isoDateSchema,
    rentCeilings: z.strictObject({
      rows: z.array(rentCeilingRowSchema).min(1),
      /** Added per child beyond the largest row for the household's number of adults. */
      extraChildOre: oreSchema,
    }),
    electricityNorm: z.strictObject({
      /** Öre per month for households of 1, 2, … 6 persons. */
      bySize: z.array(oreSchema).length(6),
      eachExtraOre: oreSchema,
    }),
    robotApprovableCostTypes: z.array(z.enum(COST_TYPES)),
    manualThresholds: z.strictObject({
      /** Rent change against the previous decision, in percent, above which a human decides. */
      rentChangePercent: z.number().min(0).max(1000),
      /** Rent change against the previous decision, in öre, above which a human decides. */
      rentChangeOre: oreSchema,
      /** Largest payable amount the robot may approve on its own. */
      maxRobotAmountOre: oreSchema,
    }),
    sampleCheckRate: rateSchema.default(0.1),
    blindReviewRate: rateSchema,
    paymentDay: z.int().min(1).max(28),
    rounding: z.enum(ROUNDING_RULES),
    /** Local norm rows the tenant fills in (figures unknown nationally). */
    localNormRows: z
      .strictObject({
        /** Lower personal cost for a child who eats lunch at preschool ("utan lunch"). */
        childWithoutLunch: z
          .strictObject({
            child1to2: oreSchema.optional(),
            child3: oreSchema.optional(),
            child4to6: oreSchema.optional(),
          })
          .optional(),
      })
      .default({}),
    decisionLegalReference: z.string().trim().min(1).optional(),
  })
  .superRefine((g, ctx) => {
    const seen = new Map<string, number>();
    g.rentCeilings.rows.forEach((row, index) => {
      const key = `${row.adults}:${row.children}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rentCeilings', 'rows', index],
          message: `Raden för ${row.adults} vuxna och ${row.children} barn finns redan (rad ${first + 1}).`,
        });
      } else {
        seen.set(key, index);
      }
    });
    for (const adults of [1, 2] as const) {
      const rows = g.rentCeilings.rows
        .filter((r) => r.adults === adults)
        .sort((a, b) => a.children - b.children);
      if (!rows.some((r) => r.children === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rentCeilings', 'rows'],
          message: `Skälig hyra saknas för ${adults} vuxen/vuxna utan barn.`,
        });
      }
      for (let i = 1; i < rows.length; i++) {
        const prev = rows[i - 1];
        const row = rows[i];
        if (prev && row && row.maxRentOre < prev.maxRentOre) {
          ctx.addIssue({
            code: 'custom',
            path: ['rentCeilings', 'rows'],
            message: `Skälig hyra för ${adults} vuxen/vuxna och ${row.children} barn är lägre än för ${prev.children} barn.`,
          });
        }
      }
    }
    if (new Set(g.robotApprovableCostTypes).size !== g.robotApprovableCostTypes.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['robotApprovableCostTypes'],
        message: 'Samma kostnadstyp anges flera gånger.',
      });
    }
    if (g.robotApprovableCostTypes.includes('otherItem')) {
      ctx.addIssue({
        code: 'custom',
        path: ['robotApprovableCostTypes'],
        message: 'Övriga poster prövas alltid av en handläggare och kan inte beviljas automatiskt.',
      });
    }
    if (g.sampleCheckRate + g.blindReviewRate > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['blindReviewRate'],
        message: 'Andelen stickprov och blindgranskning får tillsammans vara högst 100 %.',
      });
    }
  });

export type TenantGuidelines = z.output<typeof tenantGuidelinesSchema>;
/** What an administrator submits (defaults not yet applied). */
export type TenantGuidelinesInput = z.input<typeof tenantGuidelinesSchema>;

/** Validates a municipality's guidelines; throws DomainError('guidelines_invalid', …, { issues }). */
export const parseTenantGuidelines = (input: unknown): TenantGuidelines =>
  parseOrThrow(tenantGuidelinesSchema, input, 'guidelines_invalid', 'Riktlinjerna är ogiltiga.');

/**
 * Skälig hyra for a household: the row for the number of adults (1 or 2; more adults use the
 * 2-adult rows) with the most children not above the household's, plus `extraChildOre` for each
 * child beyond that row.
 */
export function rentCeilingFor(guidelines: TenantGuidelines, adults: number, children: number): number {
  const adultRow: 1 | 2 = adults >= 2 ? 2 : 1;
  const candidates = guidelines.rentCeilings.rows
    .filter((r) => r.adults === adultRow && r.children <= children)
    .sort((a, b) => b.children - a.children);
  const row = candidates[0];
  if (!row) {
    // Unreachable for parsed guidelines (a 0-children row is required for 1 and 2 adults).
    throw new DomainError(
      'calculation_failed',
      'Riktlinjerna saknar skälig hyra för hushållets sammansättning.',
      {
        adults,
        children,
      },
    );
  }
  return row.maxRentOre + (children - row.children) * guidelines.rentCeilings.extraChildOre;
}

/** Electricity norm for a household size (1…6 from the table, then + eachExtraOre per person). */
export function electricityNormFor(guidelines: TenantGuidelines, persons: number): number {
  const { bySize, eachExtraOre } = guidelines.electricityNorm;
  const size = Math.max(1, persons);
  if (size <= bySize.length) return bySize[size - 1] ?? 0;
  return (bySize[bySize.length - 1] ?? 0) + (size - bySize.length) * eachExtraOre;
}
