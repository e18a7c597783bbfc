import type { z } from 'zod';
import type {
  activityReportPatternSchema,
  activityReportStatusSchema,
  addressSchema,
  akassaResultSchema,
  arbetsformedlingenResultSchema,
  csnResultSchema,
  fkBenefitTypeSchema,
  fkPaymentSchema,
  forsakringskassanResultSchema,
  migrationsverketResultSchema,
  pensionsmyndighetenResultSchema,
  permitSchema,
  personFixtureSchema,
  populationRecordSchema,
  registerProfileSchema,
  registerRequestSchema,
  registerResponseSchema,
  registerSourceSchema,
  simulatorBehaviourSchema,
  skatteverketResultSchema,
  sourceResultSchema,
  transportstyrelsenResultSchema,
  vehicleSchema,
} from './schemas.ts';

/** The registers SSBTEK answers for. */
export type RegisterSource = z.infer<typeof registerSourceSchema>;

/** Folkbokföring: where the person is registered as resident, and whether the identity is protected. */
export type PopulationRecord = z.infer<typeof populationRecordSchema>;
export type Address = z.infer<typeof addressSchema>;

/**
 * One SSBTEK query: a person, the months it covers ('YYYY-MM', commonly the two previous
 * months and the current one), and only the sources the case needs.
 */
export type RegisterRequest = z.infer<typeof registerRequestSchema>;
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

/** Discriminated on `source`; amounts are integer öre per month. */
export type SourceResult = z.infer<typeof sourceResultSchema>;
export type SourceResultFor<S extends RegisterSource> = Extract<SourceResult, { source: S }>;

export type ForsakringskassanResult = z.infer<typeof forsakringskassanResultSchema>;
export type FkBenefitType = z.infer<typeof fkBenefitTypeSchema>;
export type FkPayment = z.infer<typeof fkPaymentSchema>;
export type ArbetsformedlingenResult = z.infer<typeof arbetsformedlingenResultSchema>;
/** 200 filed, 500 not registered, 501 not filed, 502 technical error. */
export type ActivityReportStatus = z.infer<typeof activityReportStatusSchema>;
export type CsnResult = z.infer<typeof csnResultSchema>;
export type AkassaResult = z.infer<typeof akassaResultSchema>;
export type PensionsmyndighetenResult = z.infer<typeof pensionsmyndighetenResultSchema>;
export type SkatteverketResult = z.infer<typeof skatteverketResultSchema>;
export type TransportstyrelsenResult = z.infer<typeof transportstyrelsenResultSchema>;
export type Vehicle = z.infer<typeof vehicleSchema>;
export type MigrationsverketResult = z.infer<typeof migrationsverketResultSchema>;
export type Permit = z.infer<typeof permitSchema>;

/** How the simulator answers on the wire for a person. */
export type SimulatorBehaviour = z.infer<typeof simulatorBehaviourSchema>;
export type ActivityReportPattern = z.infer<typeof activityReportPatternSchema>;
/** A person's register data, independent of the period asked for (the simulator derives months from it). */
export type RegisterProfile = z.output<typeof registerProfileSchema>;
/** A simulator person as stored (defaults applied). */
export type PersonFixture = z.output<typeof personFixtureSchema>;
/** A simulator person as given to `setPerson` / `fixtures`: every profile field may be left out. */
export type PersonFixtureInput = z.input<typeof personFixtureSchema>;
