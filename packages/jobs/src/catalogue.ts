import { z } from 'zod';
import { DEFAULT_QUEUE, type QueueName, ROBOT_QUEUE } from './queues.ts';

/**
 * Kommunkod: four digits, county (01–25) + municipality. The same pattern as
 * `MUNICIPALITY_CODE_PATTERN` in @samverkan/domain (a unit test keeps them equal); copied so
 * this package stays a leaf.
 */
export const JOB_MUNICIPALITY_CODE_PATTERN = /^(0[1-9]|1\d|2[0-5])\d{2}$/;

const municipalityCode = z.string().regex(JOB_MUNICIPALITY_CODE_PATTERN, 'invalid municipality code');
/** Row ids are uuids (gen_random_uuid). `guid` accepts any 8-4-4-4-12 hex id, also fixture ids. */
const rowId = z.guid();
const isoDate = z.iso.date();
const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

type PayloadShape = { municipalityCode: z.ZodString } & z.ZodRawShape;

export interface JobDefinition<S extends PayloadShape = PayloadShape> {
  queue: QueueName;
  /** Strict: unknown keys are refused, so a record or personal data cannot ride along. */
  schema: z.ZodObject<S, z.core.$strict>;
  /**
   * Fields that, after the municipality code, make the business key and thus the job id.
   * A field that is optional in the payload (a periodic job's date) must be present for an
   * outbox message; the scheduler gives its own jobs their ids.
   */
  keyFields: readonly (keyof S & string)[];
  /** Total attempts (first run included) and the base of the exponential backoff. */
  attempts: number;
  backoffMs: number;
  description: string;
}

const defineJob = <S extends PayloadShape>(definition: JobDefinition<S>): JobDefinition<S> => definition;

/**
 * Every job the platform runs: `<noun>.<verb>` → queue, payload schema, business key, retries.
 * Payloads carry the municipality code and ids only — never personal data.
 */
export const JOB_CATALOGUE = {
  'application.assess': defineJob({
    queue: ROBOT_QUEUE,
    schema: z.strictObject({ municipalityCode, applicationId: rowId }),
    keyFields: ['applicationId'],
    attempts: 6,
    backoffMs: 30_000,
    description: 'The robot fetches register data, calculates and routes one submitted application.',
  }),
  'decision.notify': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({ municipalityCode, decisionId: rowId }),
    keyFields: ['decisionId'],
    attempts: 8,
    backoffMs: 60_000,
    description: 'Tells the applicant that a decision has been made.',
  }),
  'notifications.deliver': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({ municipalityCode }),
    keyFields: [],
    attempts: 3,
    backoffMs: 30_000,
    description:
      "Sends a municipality's undelivered Mina ärenden notifications through the delivery channel (scheduled every minute).",
  }),
  'summary.daily': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({ municipalityCode, date: isoDate.optional() }),
    keyFields: ['date'],
    attempts: 3,
    backoffMs: 300_000,
    description:
      "The day's summary for a municipality; without `date`, the Stockholm date the scheduler fired.",
  }),
  'payments.file': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({ municipalityCode, paymentDate: isoDate.optional() }),
    keyFields: ['paymentDate'],
    attempts: 5,
    backoffMs: 120_000,
    description:
      'Builds the payment file for one payment date (each payment exactly once, guarded in the db).',
  }),
  'sample.draw': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({ municipalityCode, period: isoMonth.optional() }),
    keyFields: ['period'],
    attempts: 3,
    backoffMs: 300_000,
    description: "Draws the month's stickprov of robot decisions for follow-up.",
  }),
  'invoice.run': defineJob({
    queue: DEFAULT_QUEUE,
    schema: z.strictObject({
      municipalityCode,
      agreementId: rowId,
      period: z
        .string()
        .regex(/^\d{4}-((0[1-9]|1[0-2])|Q[1-4])$/, 'expected YYYY-MM or YYYY-Qn')
        .optional(),
    }),
    keyFields: ['agreementId', 'period'],
    attempts: 5,
    backoffMs: 300_000,
    description:
      "Creates (or refreshes) the draft self-cost invoice of one agreement for one period; the buyer's code is the municipality. Without `period`, the period before the one the scheduler fired in.",
  }),
} as const;

export type JobCatalogue = typeof JOB_CATALOGUE;
export type JobName = keyof JobCatalogue;
export type JobPayload<N extends JobName> = z.infer<JobCatalogue[N]['schema']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export const isJobName = (name: string): name is JobName => Object.hasOwn(JOB_CATALOGUE, name);

/** Separates the parts of a job id. BullMQ refuses `:` in custom ids (and integer ids). */
export const JOB_ID_SEPARATOR = '_';

/** A payload the catalogue refuses. The message names paths and rules, never the values. */
export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
  constructor(
    readonly jobName: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid payload for job ${jobName}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
}

function definitionOf(name: string): JobDefinition {
  if (!isJobName(name)) throw new InvalidJobPayloadError(name, [{ path: '', message: 'unknown job name' }]);
  return JOB_CATALOGUE[name] as unknown as JobDefinition;
}

/** Validates a payload (on enqueue and again on receipt). Throws `InvalidJobPayloadError`. */
export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const result = definitionOf(name).schema.safeParse(data);
  if (!result.success) {
    throw new InvalidJobPayloadError(
      name,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data as JobPayload<N>;
}

/**
 * The deterministic id of a job: `<name>_<municipalityCode>_<key…>`, e.g.
 * `application.assess_1263_0b7c…`. The same event always yields the same id, so BullMQ and
 * the outbox's UNIQUE(job_id) both drop a duplicate.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayload<N>): string {
  const definition = definitionOf(name);
  const data = parsePayload(name, payload) as Record<string, unknown>;
  const parts = [name, String(data.municipalityCode)];
  for (const field of definition.keyFields) {
    const value = data[field];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidJobPayloadError(name, [
        { path: field, message: 'required for a job id (business key)' },
      ]);
    }
    parts.push(value);
  }
  return parts.join(JOB_ID_SEPARATOR);
}

/** The shape `insertOutbox` (packages/db) takes; structurally identical, declared here to keep this a leaf. */
export interface OutboxMessage<N extends JobName = JobName> {
  municipalityCode: string;
  queue: QueueName;
  jobName: N;
  jobId: string;
  payload: Record<string, unknown>;
}

/**
 * Validates the payload and returns the outbox row for it. Pure: the caller writes it with
 * `insertOutbox(platform(trx), outboxMessage(…))` in the transaction that causes the job.
 */
export function outboxMessage<N extends JobName>(name: N, payload: JobPayload<N>): OutboxMessage<N> {
  const data = parsePayload(name, payload);
  return {
    municipalityCode: data.municipalityCode,
    queue: definitionOf(name).queue,
    jobName: name,
    jobId: jobIdFor(name, data),
    payload: { ...data },
  };
}

/** Retry policy for a job, set on the BullMQ job options when it is relayed or scheduled. */
export function jobRetryOptions(name: JobName): {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
} {
  const { attempts, backoffMs } = definitionOf(name);
  return { attempts, backoff: { type: 'exponential', delay: backoffMs } };
}

export const queueOf = (name: JobName): QueueName => definitionOf(name).queue;
