import { MUNICIPALITY_CODE_PATTERN } from '@samverkan/domain';
import { z } from 'zod';

/**
 * Runtime schemas for everything that crosses the register boundary. The HTTP client parses
 * every answer with these (a malformed answer is an error, not data); the simulator parses
 * every request and fixture with them. Types in `types.ts` are inferred from here.
 */

export const REGISTER_SOURCES = [
  'forsakringskassan',
  'arbetsformedlingen',
  'csn',
  'akassa',
  'pensionsmyndigheten',
  'skatteverket',
  'transportstyrelsen',
  'migrationsverket',
] as const;

export const registerSourceSchema = z.enum(REGISTER_SOURCES);

/** 'YYYY-MM' with a real month. */
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Perioden måste anges som ÅÅÅÅ-MM.');
/** Calendar date 'YYYY-MM-DD'. */
export const dateSchema = z.iso.date();
/** Storage form of a personnummer: 12 digits. Full validation (date, Luhn) happens where it is parsed. */
export const personnummerSchema = z.string().regex(/^\d{12}$/, 'Personnumret måste anges med 12 siffror.');
export const municipalityCodeSchema = z.string().regex(MUNICIPALITY_CODE_PATTERN, 'Ogiltig kommunkod.');
/** Money in integer öre. */
export const oreSchema = z.number().int().safe();
const nonNegativeOre = oreSchema.nonnegative();
const orgNumberSchema = z.string().regex(/^\d{10}$/);

// ── Population register (folkbokföring) ─────────────────────────────────────

export const addressSchema = z.object({
  street: z.string().min(1),
  postalCode: z.string().regex(/^\d{3} \d{2}$/),
  city: z.string().min(1),
});

export const populationRecordSchema = z.object({
  personnummer: personnummerSchema,
  givenName: z.string().min(1),
  familyName: z.string().min(1),
  /** The municipality where the person is folkbokförd. */
  municipalityCode: municipalityCodeSchema,
  /** Null when the identity is protected (skyddad folkbokföring): the register withholds it. */
  address: addressSchema.nullable(),
  protectedIdentity: z.boolean(),
  deceased: z.boolean(),
});

// ── Request ─────────────────────────────────────────────────────────────────

export const registerRequestSchema = z.object({
  personnummer: personnummerSchema,
  periods: z
    .array(periodSchema)
    .min(1)
    .max(12)
    .refine((p) => new Set(p).size === p.length, 'Perioderna får inte upprepas.'),
  sources: z
    .array(registerSourceSchema)
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'Källorna får inte upprepas.'),
  caseReference: z.string().min(1).max(64),
  municipalityCode: municipalityCodeSchema,
});

// ── Per-source results ──────────────────────────────────────────────────────

export const FK_BENEFIT_TYPES = [
  'barnbidrag',
  'flerbarnstillagg',
  'bostadsbidrag',
  'underhallsstod',
  'sjukpenning',
  'aktivitetsstod',
  'etableringsersattning',
  'foraldrapenning',
  'sjukersattning',
  'aktivitetsersattning',
] as const;
export const fkBenefitTypeSchema = z.enum(FK_BENEFIT_TYPES);

export const fkPaymentSchema = z.object({
  type: fkBenefitTypeSchema,
  month: periodSchema,
  /** Gross amount for the month. */
  amountOre: nonNegativeOre,
  /** Preliminary tax withheld (0 for tax-free benefits such as barnbidrag and bostadsbidrag). */
  preliminaryTaxOre: nonNegativeOre,
  paymentDate: dateSchema,
});

export const forsakringskassanResultSchema = z.object({
  source: z.literal('forsakringskassan'),
  payments: z.array(fkPaymentSchema),
});

/** Aktivitetsrapport status: 200 filed, 500 not registered, 501 not filed, 502 technical error. */
export const activityReportStatusSchema = z.union([
  z.literal(200),
  z.literal(500),
  z.literal(501),
  z.literal(502),
]);

export const arbetsformedlingenResultSchema = z.object({
  source: z.literal('arbetsformedlingen'),
  registered: z.boolean(),
  registrationDate: dateSchema.nullable(),
  program: z.string().min(1).nullable(),
  activityReports: z.array(z.object({ month: periodSchema, status: activityReportStatusSchema })),
});

export const csnResultSchema = z.object({
  source: z.literal('csn'),
  payments: z.array(
    z.object({
      month: periodSchema,
      grantOre: nonNegativeOre,
      loanOre: nonNegativeOre,
      studyPacePercent: z.number().int().min(1).max(100),
    }),
  ),
});

export const akassaResultSchema = z.object({
  source: z.literal('akassa'),
  fund: z.string().min(1).nullable(),
  payments: z.array(
    z.object({
      month: periodSchema,
      days: z.number().int().min(0).max(23),
      grossOre: nonNegativeOre,
      preliminaryTaxOre: nonNegativeOre,
    }),
  ),
});

export const PENSION_TYPES = [
  'inkomstpension',
  'premiepension',
  'garantipension',
  'bostadstillagg',
  'aldersforsorjningsstod',
  'omstallningspension',
] as const;

export const pensionsmyndighetenResultSchema = z.object({
  source: z.literal('pensionsmyndigheten'),
  payments: z.array(
    z.object({
      month: periodSchema,
      type: z.enum(PENSION_TYPES),
      grossOre: nonNegativeOre,
      preliminaryTaxOre: nonNegativeOre,
    }),
  ),
});

export const skatteverketResultSchema = z.object({
  source: z.literal('skatteverket'),
  /** Final taxation (slutlig skatt), latest decided income year. */
  taxedIncome: z.array(
    z.object({
      incomeYear: z.number().int().min(1900).max(2200),
      earnedIncomeOre: nonNegativeOre,
      finalTaxOre: nonNegativeOre,
    }),
  ),
  /** Arbetsgivardeklaration på individnivå (AGI), one row per employer and month. */
  employerReports: z.array(
    z.object({
      month: periodSchema,
      employerOrgNumber: orgNumberSchema,
      employerName: z.string().min(1),
      grossWageOre: nonNegativeOre,
      preliminaryTaxOre: nonNegativeOre,
    }),
  ),
});

export const vehicleSchema = z.object({
  registrationNumber: z.string().regex(/^[A-Z]{3}\d{2}[A-Z0-9]$/),
  make: z.string().min(1),
  model: z.string().min(1),
  modelYear: z.number().int().min(1900).max(2200),
  estimatedValueOre: nonNegativeOre,
  ownedSince: dateSchema,
});

export const transportstyrelsenResultSchema = z.object({
  source: z.literal('transportstyrelsen'),
  vehicles: z.array(vehicleSchema),
});

export const PERMIT_TYPES = [
  'permanent_residence',
  'temporary_residence',
  'temporary_protection',
  'eu_right_of_residence',
  'asylum_seeker',
] as const;

export const permitSchema = z.object({
  type: z.enum(PERMIT_TYPES),
  decisionDate: dateSchema,
  validFrom: dateSchema,
  /** Null for a permanent permit. */
  validUntil: dateSchema.nullable(),
});

export const migrationsverketResultSchema = z.object({
  source: z.literal('migrationsverket'),
  /** Null: Migrationsverket has no current permit (e.g. a Swedish or Nordic citizen). */
  permit: permitSchema.nullable(),
});

export const sourceResultSchema = z.discriminatedUnion('source', [
  forsakringskassanResultSchema,
  arbetsformedlingenResultSchema,
  csnResultSchema,
  akassaResultSchema,
  pensionsmyndighetenResultSchema,
  skatteverketResultSchema,
  transportstyrelsenResultSchema,
  migrationsverketResultSchema,
]);

export const registerResponseSchema = z.object({
  personnummer: personnummerSchema,
  caseReference: z.string(),
  fetchedAt: z.iso.datetime(),
  periods: z.array(periodSchema),
  results: z.array(sourceResultSchema),
  /** Sources that did not answer this time (partial answer); the case needs a human or a new fetch. */
  unavailable: z.array(z.object({ source: registerSourceSchema, message: z.string() })),
});

// ── Simulator fixtures (a person's register profile, independent of the period) ─

export const SIMULATOR_BEHAVIOURS = [
  'normal',
  'slow',
  'unavailable',
  'intermittent',
  'malformed',
  'partial',
] as const;
export const simulatorBehaviourSchema = z.enum(SIMULATOR_BEHAVIOURS);

export const activityReportPatternSchema = z.enum(['filed', 'not_filed_latest', 'technical_error_latest']);

export const registerProfileSchema = z.object({
  wages: z
    .array(
      z.object({
        employerOrgNumber: orgNumberSchema,
        employerName: z.string().min(1),
        monthlyGrossOre: nonNegativeOre,
        /** Hourly employment: the monthly wage varies (deterministically) around the figure. */
        varies: z.boolean().default(false),
      }),
    )
    .default([]),
  benefits: z.array(z.object({ type: fkBenefitTypeSchema, monthlyAmountOre: nonNegativeOre })).default([]),
  unemploymentFund: z
    .object({
      fund: z.string().min(1),
      dailyGrossOre: nonNegativeOre,
      daysPerMonth: z.number().int().min(1).max(23),
    })
    .nullable()
    .default(null),
  studentAid: z
    .object({
      monthlyGrantOre: nonNegativeOre,
      monthlyLoanOre: nonNegativeOre,
      studyPacePercent: z.number().int().min(1).max(100),
    })
    .nullable()
    .default(null),
  pensions: z.array(z.object({ type: z.enum(PENSION_TYPES), monthlyGrossOre: nonNegativeOre })).default([]),
  labourMarket: z
    .object({
      registered: z.boolean(),
      registrationDate: dateSchema.nullable(),
      program: z.string().min(1).nullable(),
      activityReports: activityReportPatternSchema.default('filed'),
    })
    .default({ registered: false, registrationDate: null, program: null, activityReports: 'filed' }),
  vehicles: z.array(vehicleSchema).default([]),
  permit: permitSchema.nullable().default(null),
  /** Yearly earned income in the latest final taxation; null → derived from the monthly incomes. */
  taxedIncomeOre: nonNegativeOre.nullable().default(null),
});

export const personFixtureSchema = z.object({
  population: populationRecordSchema,
  profile: registerProfileSchema.default(() => registerProfileSchema.parse({})),
  /** Transport behaviour for this person (fixtures bypass the serial-digit triggers). */
  behaviour: simulatorBehaviourSchema.default('normal'),
  description: z.string().optional(),
});

/** RFC 9457 problem body as the simulator sends it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
});
