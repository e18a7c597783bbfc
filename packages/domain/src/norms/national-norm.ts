import { z } from 'zod';
import { isoDateSchema, oreSchema, parseOrThrow } from './issues.ts';

/** Personal costs (riksnorm), öre per month, by member row. */
export const personalNormRowsSchema = z.strictObject({
  child0: oreSchema,
  child1to2: oreSchema,
  child3: oreSchema,
  child4to6: oreSchema,
  child7to10: oreSchema,
  child11to14: oreSchema,
  youth15to18: oreSchema,
  /** Only for a youth 19–20 who goes to school and lives at home. */
  youth19to20: oreSchema,
  singleAdult: oreSchema,
  /** Both adults of a couple together (not two single adults). */
  coupleAdults: oreSchema,
});

/** Common household costs (riksnorm), öre per month, by household size; `eachExtra` per person over 7. */
export const commonNormRowsSchema = z.strictObject({
  size1: oreSchema,
  size2: oreSchema,
  size3: oreSchema,
  size4: oreSchema,
  size5: oreSchema,
  size6: oreSchema,
  size7: oreSchema,
  eachExtra: oreSchema,
});

export type PersonalNormRow = keyof z.output<typeof personalNormRowsSchema>;

/**
 * The national norm (riksnorm) for one year. Figures are data, never constants in code, so an
 * administrator can correct a row without a release (DOMAIN.md §3).
 */
export const nationalNormSchema = z
  .strictObject({
    year: z.int().min(2000).max(2100),
    effectiveFrom: isoDateSchema,
    /** E.g. '12 kap. 7 § socialtjänstlagen (2025:400)'; printed on every norm line. */
    legalReference: z.string().trim().min(1),
    /** Where the figures come from (and whether they still need verifying). */
    source: z.string().trim().min(1),
    personal: personalNormRowsSchema,
    common: commonNormRowsSchema,
    /** Prisbasbelopp for the year, öre (the 12 kap. 9 § yearly limit). */
    priceBaseAmount: oreSchema.positive(),
  })
  .superRefine((norm, ctx) => {
    if (Number(norm.effectiveFrom.slice(0, 4)) !== norm.year) {
      ctx.addIssue({
        code: 'custom',
        path: ['effectiveFrom'],
        message: `Giltighetsdatumet ${norm.effectiveFrom} ligger inte i normåret ${norm.year}.`,
      });
    }
    const { common } = norm;
    const sizes = [
      common.size1,
      common.size2,
      common.size3,
      common.size4,
      common.size5,
      common.size6,
      common.size7,
    ];
    sizes.forEach((amount, i) => {
      const prev = sizes[i - 1];
      if (prev !== undefined && amount < prev) {
        ctx.addIssue({
          code: 'custom',
          path: ['common', `size${i + 1}`],
          message: `Gemensamma kostnader för ${i + 1} personer är lägre än för ${i} personer.`,
        });
      }
    });
    if (common.eachExtra !== common.size7 - common.size6) {
      ctx.addIssue({
        code: 'custom',
        path: ['common', 'eachExtra'],
        message:
          'Tillägget per person utöver sju ska vara skillnaden mellan raderna för sju och sex personer.',
      });
    }
  });

export type NationalNorm = z.output<typeof nationalNormSchema>;

/** Validates a riksnorm document; throws DomainError('norm_invalid', …, { issues }). */
export const parseNationalNorm = (input: unknown): NationalNorm =>
  parseOrThrow(nationalNormSchema, input, 'norm_invalid', 'Riksnormen är ogiltig.');

/** Stable version label for a norm, stored with every calculation (e.g. 'riksnorm-2026'). */
export const nationalNormVersion = (norm: Pick<NationalNorm, 'year'>): string => `riksnorm-${norm.year}`;
