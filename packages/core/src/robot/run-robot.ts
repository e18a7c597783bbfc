import { randomUUID } from 'node:crypto';
import {
  asPrepared,
  executeSteps,
  findMunicipality,
  insertFromJson,
  platform,
  type RootDb,
  statementTemplate,
  tenant,
} from '@samverkan/db';
import {
  type Assessment,
  assessApplication,
  type Calculation,
  calculateAssistance,
  DomainError,
  type LabourPlanStatus,
  parsePersonnummer,
  ROBOT,
} from '@samverkan/domain';
import {
  defaultPeriods,
  type RegisterGateway,
  type RegisterResponse,
  sourcesFor,
} from '@samverkan/registers';
import { type CompiledQuery, sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { type ApplicationForm, toCalculationInput } from '../applications/form.ts';
import { notificationStep } from '../applications/notifications.ts';
import { type AuditEvent, auditJsonRow, auditStep } from '../audit/record-audit.ts';
import { type Ctx, type Logger, stockholmToday, type TenantRef } from '../context.ts';
import { type DecisionInput, decisionRows, isDecisionExists } from '../decisions/record-decision.ts';
import { evaluateIn, loadDelegationContext } from '../delegation/delegation-rules.ts';
import { normsForMonth } from '../norms/norms-for-month.ts';
import { Coalescer, type Settled } from './coalescer.ts';
import { COMPANION_LEASE_S, InFlight, LEASE_POLL_MS } from './in-flight.ts';
import { registerFindings } from './register-findings.ts';
import { RobotCache } from './robot-cache.ts';
import { type RobotWrite, writeRobotResults } from './robot-write.ts';

export { RobotCache } from './robot-cache.ts';

export interface RobotDeps {
  db: RootDb;
  registers: RegisterGateway;
  log: Logger;
  now: () => Date;
  /** The worker's per-process cache of tenant reference data; without it every job loads afresh. */
  cache?: RobotCache;
  /** The worker's batching of reads and writes per tenant; without it each job runs its own. */
  batches?: RobotBatches;
}

export type RobotResult = 'decided' | 'proposed' | 'manual' | 'already_handled';

export async function tenantRef(db: RootDb, code: string): Promise<TenantRef> {
  const row = await findMunicipality(platform(db), code);
  if (!row) throw new DomainError('municipality_not_found', `Kommun ${code} finns inte.`);
  return {
    code: row.municipalityCode,
    schema: row.schemaName,
    name: row.name,
    committeeName: row.committeeName,
    organisationNumber: row.organisationNumber,
    postalAddress: row.postalAddress,
  };
}

export function robotCtx(deps: Pick<RobotDeps, 'db' | 'log' | 'now'>, t: TenantRef, jobId: string): Ctx {
  return {
    db: deps.db,
    tenant: t,
    actor: ROBOT,
    access: { basis: 'robot' },
    requestId: jobId,
    log: deps.log,
    now: deps.now,
  };
}

const monthBounds = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(last).padStart(2, '0')}` };
};

const normOf = (c: Calculation) =>
  c.lines.filter((l) => l.code.startsWith('norm.')).reduce((s, l) => s + l.amountOre, 0);

/** The states the robot may still act from; anything else was decided, proposed or routed. */
const ROBOT_STATES = ['queued', 'assessing'] as const;

/**
 * Everything the robot reads about its cases, in one query: the applications, the applicants,
 * each one's latest labour-market plan, the household's latest earlier decision, and the stamps
 * of the tenant reference data (see RobotCache) as of this same snapshot. `ids` is one parameter
 * (a uuid array), so one text per tenant serves any number of cases.
 *
 * Besides the cases asked for, up to `limit` companions: the tenant's other applications still
 * waiting for their first robot attempt (`queued`), earliest due first, except those in `skip`
 * (the cases asked for and those this process is assessing) and those whose household has an
 * earlier month still waiting for the robot — that month's decision must be written before
 * this one is compared with it — and those another worker process has leased. The statement
 * leases (`taken`) the companions and the cases asked for that are still queued to `owner`
 * (this worker process) for COMPANION_LEASE_S, unless another process holds them; `leasedBy`
 * is a case's lease as it was before this statement. A lease is advisory (migration 0005).
 */
function readCasesQuery(
  db: RootDb,
  schema: string,
  code: string,
  p: { ids: unknown; skip: unknown; limit: unknown; owner: unknown },
) {
  const table = (name: string) => sql.id(schema, name);
  return tenant(db, schema)
    .with('params', (qb) =>
      qb.selectNoFrom([sql<string[]>`${p.ids}::uuid[]`.as('ids'), sql<string>`${p.owner}::uuid`.as('owner')]),
    )
    .with('taken', (qb) =>
      qb
        .updateTable('applications as t')
        .set({
          robotLeaseOwner: sql`(SELECT owner FROM params)`,
          robotLeaseUntil: sql`now() + make_interval(secs => ${sql.lit(COMPANION_LEASE_S)})`,
        })
        .where(
          sql<boolean>`(
            -- the cases asked for, unless another process holds them
            (t.application_id = ANY((SELECT ids FROM params)::uuid[]) AND t.processing = 'queued'
              AND (t.robot_lease_until IS NULL OR t.robot_lease_until < now()
                OR t.robot_lease_owner = (SELECT owner FROM params)))
            OR t.application_id IN (SELECT q.application_id FROM ${table('applications')} q
              WHERE q.processing = 'queued'
                AND q.status IN ('submitted', 'in_progress', 'waiting_for_completion')
                AND NOT (q.application_id = ANY(${p.skip}::uuid[]))
                AND (q.robot_lease_until IS NULL OR q.robot_lease_until < now())
                AND NOT EXISTS (SELECT 1 FROM ${table('applications')} o
                  WHERE o.household_key = q.household_key AND o.month < q.month
                    -- the household/month index holds exactly these (no draft, no withdrawn)
                    AND o.status NOT IN ('draft', 'withdrawn')
                    AND o.processing IN ('queued', 'assessing'))
              ORDER BY q.due_at LIMIT ${p.limit}::int
              FOR UPDATE OF q SKIP LOCKED))
            -- A lease is advisory: its commit need not wait for the WAL flush (this
            -- statement's transaction only; evaluated only when a row is leased).
            AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off'`,
        )
        .returning('t.applicationId'),
    )
    .selectFrom('applications as a')
    .innerJoin('citizens as c', 'c.personId', 'a.personId')
    .select([
      'a.applicationId',
      'a.caseNumber',
      'a.personId',
      'a.month',
      'a.form',
      'a.householdKey',
      'a.processing',
      'c.personnummer',
      'c.givenName',
      'c.familyName',
    ])
    .select(
      sql<string | null>`CASE WHEN a.robot_lease_until > now() THEN a.robot_lease_owner::text END`.as(
        'leasedBy',
      ),
    )
    .select((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('labourAssessments as l')
          .select(['l.planFrom', 'l.planTo', 'l.availableForWork', 'l.reason'])
          .whereRef('l.personId', '=', 'a.personId')
          .orderBy('l.recordedAt', 'desc')
          .limit(1),
      ).as('plan'),
      jsonObjectFrom(
        eb
          .selectFrom('decisions as d')
          .innerJoin('applications as p', 'p.applicationId', 'd.applicationId')
          .select(['d.month', 'd.amountOre', 'p.form'])
          .whereRef('p.householdKey', '=', 'a.householdKey')
          // Always true for a decided application; lets the household/month index find it.
          .where(sql<boolean>`p.status NOT IN ('draft', 'withdrawn')`)
          .whereRef('d.month', '<=', 'a.month')
          .whereRef('d.applicationId', '<>', 'a.applicationId')
          .orderBy('d.month', 'desc')
          .limit(1),
      ).as('previous'),
      // Stamps: what the cached reference data depends on, fingerprinted row by row.
      sql<string | null>`(SELECT n.year || ':' || md5(n.body::text) FROM platform.national_norms n
        WHERE n.year = left(a.month, 4)::int)`.as('normStamp'),
      sql<
        string | null
      >`(SELECT g.version_id || ':' || md5(g.body::text) FROM ${table('guideline_versions')} g
        WHERE g.effective_from <= (a.month || '-01')::date ORDER BY g.effective_from DESC LIMIT 1)`.as(
        'guidelinesStamp',
      ),
      sql<string>`(SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r.rule_id), ''))
        FROM ${table('delegation_rules')} r)`.as('rulesStamp'),
      sql<string>`md5(concat_ws('|',
        (SELECT m::text FROM platform.municipalities m WHERE m.municipality_code = ${code}),
        (SELECT string_agg(ag::text, ',' ORDER BY ag.agreement_id) FROM platform.agreements ag
          WHERE ag.tenant_code = ${code})))`.as('platformStamp'),
    ])
    .where(
      sql<boolean>`a.application_id = ANY(ARRAY(
        SELECT unnest((SELECT ids FROM params)) UNION ALL SELECT application_id FROM taken))`,
    );
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof readCasesQuery>['execute']>>[number];

/** The robot's read as it is sent (text and parameters), e.g. to EXPLAIN it for a tenant. */
export function compileRobotRead(
  db: RootDb,
  schema: string,
  code: string,
  p: { ids: readonly string[]; skip: readonly string[]; limit: number; owner: string },
): CompiledQuery<unknown> {
  return readCasesQuery(db, schema, code, p).compile();
}

/** Per tenant: `readCasesQuery` compiled once (see statementTemplate). Bounded by the number of tenants. */
const readTemplates = new Map<
  string,
  (values: { ids: unknown; skip: unknown; limit: unknown; owner: unknown }) => CompiledQuery<CaseRow>
>();

/** The cases asked for (`ids`, lower case), plus up to `companions.limit` companions (see readCasesQuery). */
async function readCases(
  db: RootDb,
  schema: string,
  code: string,
  ids: readonly string[],
  /** Companions wanted, cases not to take, and the lease owner (this worker process). */
  companions: { limit: number; skip: readonly string[]; owner: string },
) {
  const key = `${schema}|${code}`;
  let template = readTemplates.get(key);
  if (!template) {
    template = statementTemplate(['ids', 'skip', 'limit', 'owner'], (p) =>
      readCasesQuery(db, schema, code, p).compile(),
    );
    readTemplates.set(key, template);
  }
  const skip = companions.limit > 0 ? [...ids, ...companions.skip] : [];
  const { rows } = await db.executeQuery(
    asPrepared(template({ ids, skip, limit: companions.limit, owner: companions.owner })),
  );
  // uuid text from PostgreSQL is lower case; callers look up lower-cased ids.
  return new Map(rows.map((row) => [row.applicationId.toLowerCase(), row]));
}

interface ReadItem {
  schema: string;
  code: string;
  applicationId: string;
}

/** How a batch that failed and was redone case by case is reported: once, to one of its cases. */
export interface BatchFailure {
  error: unknown;
  size: number;
}

/** A case read as a companion, marked in flight; its attempt must end it with `end`. */
export interface Companion {
  row: CaseRow;
  end: (result: RobotResult | undefined) => void;
}

/**
 * A robot read's answer: the case (undefined if there is none), the companions its job is to
 * assess too (given to one job of the batch), and a failed batch, if any.
 */
export interface ReadAnswer {
  row: CaseRow | undefined;
  companions?: Companion[];
  batchFailed?: BatchFailure;
}

/** A robot write's answer: was the case claimed; and a failed batch, if any. */
export interface WriteAnswer {
  claimed: boolean;
  batchFailed?: BatchFailure;
}

/** Gives the batch's failure to the first case that succeeded on its own (its job logs it). */
function reportOnce<T extends { batchFailed?: BatchFailure }>(answers: Settled<T>[], failure: BatchFailure) {
  const told = answers.find((a) => a.ok);
  if (told?.ok) told.value.batchFailed = failure;
}

/** How many waiting cases a robot job takes along (see RobotBatches); 0 turns it off. */
export interface CompanionOptions {
  /** Companions per read statement. */
  perRead: number;
  /** Companions being assessed at once in this process, at most. */
  inFlight: number;
}

/**
 * The worker's batching of robot statements (see Coalescer), per database handle: concurrent
 * jobs of the same tenant share one read and one write statement.
 *
 * - **Companions.** Jobs arrive in submission order, which mixes the tenants: with hundreds of
 *   tenants two jobs of one tenant rarely run at the same time, so batches would not form. A
 *   read therefore also returns up to `companions.perRead` of the tenant's other applications
 *   still waiting for the robot (see readCasesQuery); one job of the batch assesses them beside
 *   its own case, so their writes share statements. Their own jobs, when they come, find them
 *   handled — or, still running here, wait for them (`inFlight`). A companion whose attempt
 *   fails is left as it was, for its own job (retries, logging, "teknisk fel").
 *   While no backlog waits there are no companions.
 *
 * - A case is assessed once at a time per process: another copy of its job (a redelivery
 *   running beside the first) waits for the attempt in flight (`inFlight`). Should two writes
 *   of one case still reach the write batcher, the batch holds the case once and writes the
 *   other copy on its own after it — in one statement both would pass the case's gates.
 * - Claims are listed in application-id order (PostgreSQL usually locks them in that order); a
 *   deadlock between two processes' batches is broken by PostgreSQL, and the batch is redone.
 * - If a batch's statement fails, nothing of it was written and each of its cases is read or
 *   written again on its own, so one case's error (e.g. a decision that already exists) stays
 *   that case's; the failure is reported once (`batchFailed`). `fallbacks` counts such batches.
 */
export class RobotBatches {
  /** Keyed by `schema|code`. */
  readonly reads: Coalescer<ReadItem, ReadAnswer>;
  /** Keyed by schema. */
  readonly writes: Coalescer<RobotWrite, WriteAnswer>;
  readonly fallbacks = { reads: 0, writes: 0 };
  /** The cases this process is assessing (own cases and companions); shared by the process's pools. */
  readonly inFlight: InFlight<RobotResult>;
  readonly #companions: CompanionOptions;

  constructor(
    db: RootDb,
    options: { maxBatch?: number; companions?: CompanionOptions; inFlight?: InFlight<RobotResult> } = {},
  ) {
    this.#companions = options.companions ?? { perRead: 0, inFlight: 0 };
    this.inFlight = options.inFlight ?? new InFlight<RobotResult>();
    /** Reads the cases and companions; the companions are in flight once this returns. */
    const readWithCompanions = async (schema: string, code: string, ids: string[]) => {
      const { perRead, inFlight: cap } = this.#companions;
      // Reserved before the read, so concurrent reads (of any pool) stay within the cap together.
      const granted = perRead > 0 && !this.inFlight.paused(schema) ? this.inFlight.reserve(perRead, cap) : 0;
      let begun = 0;
      try {
        const found = await readCases(db, schema, code, ids, {
          limit: granted,
          skip: this.inFlight.skip(schema),
          owner: this.inFlight.owner,
        });
        const asked = new Set(ids);
        const companions: Companion[] = [];
        for (const [id, row] of found) {
          if (asked.has(id) || begun === granted) continue;
          // Marked before the next read of this tenant runs (the Coalescer starts it right after).
          const end = this.inFlight.begin(schema, id, true);
          if (end) {
            begun += 1;
            companions.push({ row, end });
          }
        }
        return { found, companions };
      } finally {
        this.inFlight.release(granted - begun);
      }
    };
    this.reads = new Coalescer(async (_key, items) => {
      const { schema, code } = items[0] as ReadItem;
      const ids = items.map((i) => i.applicationId.toLowerCase());
      const alone = (id: string) =>
        settle<ReadAnswer>(
          readCases(db, schema, code, [id], { limit: 0, skip: [], owner: this.inFlight.owner }).then(
            (found) => ({ row: found.get(id) }),
          ),
        );
      try {
        const { found, companions } = await readWithCompanions(schema, code, ids);
        return ids.map((id, i) => ({
          ok: true,
          value: { row: found.get(id), ...(i === 0 && companions.length > 0 ? { companions } : {}) },
        }));
      } catch (error) {
        if (ids.length === 1) return [{ ok: false, error }];
        this.fallbacks.reads += 1;
        const answers = await Promise.all(ids.map(alone));
        reportOnce(answers, { error, size: ids.length });
        return answers;
      }
    }, options);
    this.writes = new Coalescer(async (schema, writes) => {
      const alone = (write: RobotWrite) =>
        settle<WriteAnswer>(
          writeRobotResults(db, schema, [write]).then((claimed) => ({
            claimed: claimed.has(write.applicationId),
          })),
        );
      // Each case once, in id order; later copies after the batch.
      const first = new Map<string, RobotWrite>();
      for (const w of writes) if (!first.has(w.applicationId)) first.set(w.applicationId, w);
      const batch = [...first.values()].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1));
      const answers = new Map<RobotWrite, Settled<WriteAnswer>>();
      if (batch.length === 1) {
        answers.set(batch[0] as RobotWrite, await alone(batch[0] as RobotWrite));
      } else {
        try {
          const claimed = await writeRobotResults(db, schema, batch);
          for (const w of batch)
            answers.set(w, { ok: true, value: { claimed: claimed.has(w.applicationId) } });
        } catch (error) {
          this.fallbacks.writes += 1;
          const each = await Promise.all(batch.map(alone));
          for (const [i, w] of batch.entries()) answers.set(w, each[i] as Settled<WriteAnswer>);
          reportOnce(each, { error, size: batch.length });
        }
      }
      for (const w of writes) if (!answers.has(w)) answers.set(w, await alone(w));
      return writes.map((w) => answers.get(w) as Settled<WriteAnswer>);
    }, options);
  }
}

async function settle<O>(promise: Promise<O>): Promise<Settled<O>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** One register answer (or failure) for the case's register log. */
interface FetchLog {
  personnummer: string;
  sources: string[];
  periods: string[];
  response: RegisterResponse | null;
  error?: string;
}

/** What the robot concluded; written in one statement by `commitRun`. */
type Route =
  | { kind: 'manual'; reasons: { code: string; text: string }[] }
  | { kind: 'decide'; decision: DecisionInput }
  | {
      kind: 'propose';
      decisionType: string;
      amountOre: number;
      normOre: number;
      proposeRuleId: string;
    };

interface AssessmentRow {
  outcome: Assessment['outcome'];
  reasons: Assessment['reasons'];
  calculation: Calculation;
  normVersion: string;
  guidelinesVersionId: string;
}

const inRobotState = sql`processing IN (${sql.join(ROBOT_STATES)})`;

/**
 * The step that claims the case for an attempt that ends without a result (`logAttempt`), and
 * for the robot giving up: only from a robot state, under the row lock, so a concurrent attempt
 * waits and then finds the case handled.
 */
function claimStep(
  ctx: Ctx,
  applicationId: string,
  to: {
    processing: string;
    status: string;
    manualReasons?: { code: string; text: string }[];
    /** false when giving up: that is not an attempt of its own. */
    countsAttempt?: boolean;
  },
) {
  return sql`UPDATE ${sql.id(ctx.tenant.schema, 'applications')}
    SET processing = ${to.processing}, status = ${to.status},
      ${to.countsAttempt === false ? sql`` : sql`robot_attempts = robot_attempts + 1,`}
      updated_at = ${ctx.now()}
      ${to.manualReasons ? sql`, manual_reasons = ${JSON.stringify(to.manualReasons)}::jsonb` : sql``}
    WHERE application_id = ${applicationId} AND ${inRobotState}
    RETURNING application_id`;
}

const claimedCase = sql`EXISTS (SELECT 1 FROM claimed)`;

function fetchRows(applicationId: string, fetches: readonly FetchLog[]) {
  return fetches.map((f) => ({
    applicationId,
    personnummer: f.personnummer,
    sources: f.sources,
    periods: f.periods,
    outcome: f.response ? ('ok' as const) : ('failed' as const),
    response: f.response,
    error: f.error ?? null,
  }));
}

/** What sending a case to the manual queue writes besides the case itself. */
function manualRows(
  app: { applicationId: string; personId: string },
  reasons: { code: string; text: string }[],
) {
  return {
    event: { applicationId: app.applicationId, kind: 'manual', actor: 'robot', detail: { reasons } },
    notification: {
      personId: app.personId,
      applicationId: app.applicationId,
      kind: 'in_progress',
      title: 'Din ansökan handläggs',
      body: 'En handläggare går igenom din ansökan. Du får besked senast nästa vardag eller ett meddelande om vi behöver komplettering.',
    },
    audit: {
      action: 'robot.route_manual',
      objectType: 'application',
      objectId: app.applicationId,
      personId: app.personId,
      detail: { reasons },
    } satisfies AuditEvent,
  };
}

/**
 * An attempt that ends without a result (a register failed, the calculation could not be made,
 * or the result could not be written): its register fetches and audit entries are committed on
 * their own, so the case shows what was fetched before the job is retried — and the attempt
 * itself (processing `assessing`, `robot_attempts + 1`). A companion's attempt (`companionLease`,
 * the lease owner) is not counted — its own job makes the attempt that counts — and gives up its
 * lease, so that job, in whichever worker process, starts at once.
 */
async function logAttempt(
  ctx: Ctx,
  c: CaseRow,
  fetches: readonly FetchLog[],
  audit: AuditEvent[],
  companionLease: string | undefined,
) {
  const applications = sql.id(ctx.tenant.schema, 'applications');
  await executeSteps(
    ctx.db,
    [
      companionLease === undefined
        ? ['claimed', claimStep(ctx, c.applicationId, { processing: 'assessing', status: 'in_progress' })]
        : [
            'lease_ended',
            sql`UPDATE ${applications} SET robot_lease_until = NULL
              WHERE application_id = ${c.applicationId} AND robot_lease_owner = ${companionLease}::uuid
              RETURNING application_id`,
          ],
      ['fetches', insertFromJson(ctx.tenant.schema, 'registerFetches', fetchRows(c.applicationId, fetches))],
      ['audit', auditStep(ctx, [{ events: audit }])],
    ],
    sql`SELECT 1`,
  );
}

/**
 * Writes an attempt's result (see robot-write.ts; batched with other cases of the tenant by
 * `RobotBatches`): the claim, which moves the case to its result under a row lock so a
 * concurrent attempt waits and then finds it handled; the register fetches and the read/fetch
 * audit entries (always); and, only if the claim took the case, the assessment and the route —
 * the decision with its payment, a proposal, or the manual queue — with case event,
 * notification and audit entries. If the write fails, the fetches and audit entries are still
 * committed (`logAttempt`; a companion's attempt not counted) before the error goes on;
 * a decision that already exists is "already handled".
 */
async function commitRun(
  ctx: Ctx,
  batches: RobotBatches,
  companionLease: string | undefined,
  c: CaseRow,
  fetches: readonly FetchLog[],
  audit: AuditEvent[],
  assessment: AssessmentRow | null,
  route: Route,
): Promise<RobotResult> {
  const write: RobotWrite = {
    applicationId: c.applicationId,
    claim:
      route.kind === 'decide'
        ? { processing: 'decided', status: 'completed', manualReasons: null, updatedAt: ctx.now() }
        : route.kind === 'propose'
          ? { processing: 'proposed', status: 'in_progress', manualReasons: null, updatedAt: ctx.now() }
          : {
              processing: 'manual',
              status: 'in_progress',
              manualReasons: route.reasons,
              updatedAt: ctx.now(),
            },
    fetches: fetchRows(c.applicationId, fetches),
    assessment: assessment ? { applicationId: c.applicationId, ...assessment } : null,
    decision: null,
    payment: null,
    proposal: null,
    events: [],
    notifications: [],
    // What the attempt read and fetched (always), then what it concluded.
    audit: audit.map((e) => ({ gate: 'always', row: auditJsonRow(ctx, e) })),
  };
  if (route.kind === 'decide') {
    const rows = decisionRows(
      ctx,
      {
        applicationId: c.applicationId,
        caseNumber: c.caseNumber,
        month: c.month,
        form: c.form,
        personId: c.personId,
        personnummer: c.personnummer,
        givenName: c.givenName,
        familyName: c.familyName,
      },
      route.decision,
    );
    write.decision = rows.decision;
    write.payment = rows.payment;
    write.events.push({ gate: 'decision', row: rows.event });
    write.notifications.push({ gate: 'decision', row: rows.notification });
    write.audit.push({ gate: 'decision', row: auditJsonRow(ctx, rows.audit) });
  } else if (route.kind === 'propose') {
    const proposalId = randomUUID();
    write.proposal = {
      proposalId,
      applicationId: c.applicationId,
      decisionType: route.decisionType,
      amountOre: route.amountOre,
      normOre: route.normOre,
      proposeRuleId: route.proposeRuleId,
    };
    write.events.push({
      gate: 'proposal',
      row: {
        applicationId: c.applicationId,
        kind: 'proposed',
        actor: 'robot',
        detail: { decisionType: route.decisionType, amountOre: route.amountOre },
      },
    });
    write.audit.push({
      gate: 'proposal',
      row: auditJsonRow(ctx, {
        action: 'robot.propose',
        objectType: 'proposal',
        objectId: proposalId,
        personId: c.personId,
        delegationRuleId: route.proposeRuleId,
      }),
    });
  } else {
    const rows = manualRows(c, route.reasons);
    write.events.push({ gate: 'claimed', row: rows.event });
    write.notifications.push({ gate: 'claimed', row: rows.notification });
    write.audit.push({ gate: 'claimed', row: auditJsonRow(ctx, rows.audit) });
  }
  try {
    const { claimed, batchFailed } = await batches.writes.submit(ctx.tenant.schema, write);
    if (batchFailed) {
      ctx.log.warn(
        { err: batchFailed.error, batchSize: batchFailed.size },
        'robot write batch failed; its cases were written one by one',
      );
    }
    if (!claimed) return 'already_handled';
    return route.kind === 'decide' ? 'decided' : route.kind === 'propose' ? 'proposed' : 'manual';
  } catch (error) {
    await logAttempt(ctx, c, fetches, audit, companionLease);
    if (isDecisionExists(error)) return 'already_handled';
    throw error;
  }
}

/**
 * The robot's work on one application (job `application.assess`). Idempotent: a redelivered
 * or concurrent job finds the case already handled, and the decision itself is unique per
 * application in the database. Register errors throw so the job is retried; when retries are
 * exhausted, `robotGaveUp` sends the case to a caseworker with "teknisk fel".
 *
 * Reads first (one query; reference data from the cache, checked against stamps read with the
 * case), then the register calls with no transaction open, then one write statement (run as a
 * prepared statement, see `asPrepared`). With the worker's RobotBatches, the read may bring
 * companions — the tenant's other waiting cases — which this job assesses too (see RobotBatches).
 */
export async function runRobot(
  deps: RobotDeps,
  payload: { municipalityCode: string; applicationId: string },
  jobId: string,
): Promise<RobotResult> {
  const cache = deps.cache ?? new RobotCache();
  const batches = deps.batches ?? new RobotBatches(deps.db);
  const code = payload.municipalityCode;
  const schema = await cache.schemaOf(deps.db, code);
  const id = payload.applicationId.toLowerCase();
  // Being assessed here already (another job's companion, or this job delivered twice)?
  for (let running = batches.inFlight.wait(id); running; running = batches.inFlight.wait(id)) {
    if ((await running) !== undefined) return 'already_handled';
  }
  const end = batches.inFlight.begin(schema, id, false);
  let result: RobotResult | undefined;
  const companions: Promise<void>[] = [];
  try {
    let row: CaseRow | undefined;
    for (;;) {
      const read = await batches.reads.submit(`${schema}|${code}`, { schema, code, applicationId: id });
      for (const companion of read.companions ?? [])
        companions.push(
          runCompanion(deps, cache, batches, schema, code, companion, jobId, payload.applicationId),
        );
      if (read.batchFailed) {
        deps.log.warn(
          { err: read.batchFailed.error, batchSize: read.batchFailed.size },
          'robot read batch failed; its cases were read one by one',
        );
      }
      row = read.row;
      // Another worker process took the case along and is assessing it: wait for that attempt
      // (at most until its lease ends) rather than fetch the person's register data again.
      const leasedElsewhere =
        row?.processing === 'queued' && row.leasedBy !== null && row.leasedBy !== batches.inFlight.owner;
      if (!leasedElsewhere) break;
      await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
    }
    result = await assessCase(deps, cache, batches, code, row, jobId);
    return result;
  } finally {
    end?.(result);
    await Promise.all(companions);
  }
}

/**
 * A companion's attempt: as its own job's would be, but a failure is not counted as an attempt
 * and leaves the case to that job (and rests it, see InFlight.failed).
 */
async function runCompanion(
  deps: RobotDeps,
  cache: RobotCache,
  batches: RobotBatches,
  schema: string,
  code: string,
  companion: Companion,
  jobId: string,
  companionOf: string,
): Promise<void> {
  const applicationId = companion.row.applicationId;
  let result: RobotResult | undefined;
  try {
    result = await assessCase(deps, cache, batches, code, companion.row, jobId, companionOf);
    // Its own job will answer `already_handled`; this is where the case's result is logged.
    deps.log.info({ applicationId, companionOf, result }, 'robot companion assessed');
  } catch (error) {
    batches.inFlight.failed(schema, applicationId.toLowerCase());
    deps.log.info(
      { err: error, applicationId, companionOf },
      'robot companion not assessed; left to its own job',
    );
  } finally {
    companion.end(result);
  }
}

/**
 * Assesses one case read by `readCases` and writes the result. `companionOf` (the leading job's
 * application) marks a companion: a failed attempt of it is logged to the case (its register
 * fetches) but not counted, since its own job will make the attempt.
 */
async function assessCase(
  deps: RobotDeps,
  cache: RobotCache,
  batches: RobotBatches,
  code: string,
  c: CaseRow | undefined,
  jobId: string,
  companionOf?: string,
): Promise<RobotResult> {
  if (!c || !(ROBOT_STATES as readonly string[]).includes(c.processing)) return 'already_handled';
  const t = await cache.get(`tenant:${code}`, c.platformStamp, () => tenantRef(deps.db, code));
  const ctx = robotCtx(deps, t, jobId);
  const audit: AuditEvent[] = [
    {
      action: 'robot.read_case',
      objectType: 'application',
      objectId: c.applicationId,
      personId: c.personId,
      ...(companionOf ? { detail: { companionOf } } : {}),
    },
  ];
  // A companion's attempt is not counted, and its lease ends if it fails (see logAttempt).
  const companionLease = companionOf === undefined ? undefined : batches.inFlight.owner;
  const fetches: FetchLog[] = [];
  let outcome: { assessment: AssessmentRow | null; route: Route };
  try {
    outcome = await assess(deps, cache, ctx, c, fetches, audit);
  } catch (error) {
    // Whatever was fetched before the failure stays logged to the case.
    await logAttempt(ctx, c, fetches, audit, companionLease);
    throw error;
  }
  return commitRun(ctx, batches, companionLease, c, fetches, audit, outcome.assessment, outcome.route);
}

/**
 * The robot's assessment of a case: register calls (each appended to `fetches`, audited in
 * `audit`), plan, previous month, calculation, assessment and delegation — what is to be
 * written, and where the case goes.
 */
async function assess(
  deps: RobotDeps,
  cache: RobotCache,
  ctx: Ctx,
  c: CaseRow,
  fetches: FetchLog[],
  audit: AuditEvent[],
): Promise<{ assessment: AssessmentRow | null; route: Route }> {
  const t = ctx.tenant;
  const code = t.code;
  const form = c.form as unknown as ApplicationForm;

  // 1. Residency and register data (SSBTEK), fetched only for what the case needs; each fetch logged to the case.
  const person = await deps.registers.lookupPerson(c.personnummer);
  if (!person || person.municipalityCode !== t.code || person.deceased) {
    return {
      assessment: null,
      route: {
        kind: 'manual',
        reasons: [
          { code: 'register_mismatch', text: `Sökanden är enligt folkbokföringen inte bosatt i ${t.name}.` },
        ],
      },
    };
  }
  const periods = defaultPeriods(form.month);
  const sources = sourcesFor({
    hasChildren: form.household.children.length > 0,
    isStudent: form.incomes.some((i) => i.type === 'studentAid'),
    hasVehicleQuestion: true,
    isNonCitizen: false,
    isPensioner: form.incomes.some((i) => i.type === 'pension'),
  });
  const people = [{ who: `${c.givenName} ${c.familyName}`, personnummer: c.personnummer }];
  if (form.household.partner) {
    people.push({
      who: `${form.household.partner.givenName} ${form.household.partner.familyName}`,
      personnummer: parsePersonnummer(form.household.partner.personnummer).value,
    });
  }
  const responses: { who: string; response: RegisterResponse }[] = [];
  for (const p of people) {
    try {
      const response = await deps.registers.fetch({
        personnummer: p.personnummer,
        periods,
        sources,
        caseReference: c.caseNumber,
        municipalityCode: t.code,
      });
      responses.push({ who: p.who, response });
      fetches.push({ personnummer: response.personnummer, sources, periods, response });
    } catch (error) {
      fetches.push({
        personnummer: p.personnummer,
        sources,
        periods,
        response: null,
        error: String((error as Error).message).slice(0, 500),
      });
      throw error;
    }
  }
  audit.push({
    action: 'robot.fetch_registers',
    objectType: 'application',
    objectId: c.applicationId,
    personId: c.personId,
    detail: { sources, periods, persons: people.length },
  });

  // 2. Labour-market plan covering the month, and the previous month's decision (read with the case).
  const { first, last } = monthBounds(form.month);
  const labourPlan: LabourPlanStatus | undefined = c.plan
    ? {
        coversMonth: c.plan.planFrom <= first && c.plan.planTo >= last,
        availableForWork: c.plan.availableForWork,
        ...(c.plan.reason ? { reason: c.plan.reason } : {}),
      }
    : undefined;
  const previous = c.previous;
  const previousRent = previous
    ? ((previous.form as unknown as ApplicationForm).costs.find((x) => x.type === 'rent')?.amountOre ?? 0)
    : 0;

  // 3. Calculate and assess (pure domain code), with the norm version stored alongside.
  const { norm, guidelines, guidelinesVersionId } = await cache.get(
    `norms:${code}:${form.month}`,
    c.normStamp === null || c.guidelinesStamp === null ? null : `${c.normStamp}|${c.guidelinesStamp}`,
    () => normsForMonth(deps.db, t.schema, form.month),
  );
  const calculation = calculateAssistance(
    toCalculationInput({ personnummer: c.personnummer, givenName: c.givenName }, form, norm, guidelines),
  );
  const declaredIncome = form.incomes.reduce((s, i) => s + i.amountOre, 0);
  const assessment: Assessment = assessApplication({
    calculation,
    guidelines,
    ...(previous
      ? {
          previousDecision: {
            month: previous.month,
            rentOre: previousRent,
            payableOre: Number(previous.amountOre),
          },
        }
      : {}),
    ...(labourPlan ? { labourPlan } : {}),
    registerFindings: registerFindings({ month: form.month, declaredIncomeOre: declaredIncome, responses }),
    hasOtherItems: form.otherItems.length > 0,
  });
  const assessmentRow: AssessmentRow = {
    outcome: assessment.outcome,
    reasons: assessment.reasons,
    calculation,
    normVersion: calculation.normVersion,
    guidelinesVersionId,
  };
  const manualReasons = assessment.reasons.map((r) => ({ code: r.code, text: r.text }));
  if (assessment.outcome === 'manual') {
    return {
      assessment: assessmentRow,
      route: {
        kind: 'manual',
        reasons: manualReasons,
      },
    };
  }

  // 4. Delegation: may the robot decide here, or only propose for a named delegate?
  const decisionType = assessment.outcome === 'approve' ? 'assistance.approve' : 'assistance.reject';
  const amountOre = assessment.outcome === 'approve' ? calculation.payableOre : 0;
  const date = stockholmToday(ctx.now());
  const delegation = await cache.get(`delegation:${code}`, `${c.rulesStamp}|${c.platformStamp}|${date}`, () =>
    loadDelegationContext(ctx, date),
  );
  const answer = evaluateIn(ctx, delegation, {
    actor: ROBOT,
    decisionType,
    amountOre,
    normOre: normOf(calculation),
  });

  if (answer.mode === 'decide') {
    return {
      assessment: assessmentRow,
      route: {
        kind: 'decide',
        decision: {
          applicationId: c.applicationId,
          outcome: assessment.outcome === 'approve' ? 'approved' : 'rejected',
          amountOre,
          calculation,
          reasons: assessment.reasons.map((r) => r.text),
          decidedBy: {
            kind: 'robot',
            id: 'robot',
            name: 'Automatiserat beslut (beslutsrobot)',
            employerCode: null,
          },
          delegation: { ruleId: answer.rule.ruleId, reference: answer.rule.reference },
          normVersion: calculation.normVersion,
          guidelinesVersionId,
          paymentDay: guidelines.paymentDay,
        },
      },
    };
  }
  if (answer.mode === 'propose') {
    return {
      assessment: assessmentRow,
      route: {
        kind: 'propose',
        decisionType,
        amountOre,
        normOre: normOf(calculation),
        proposeRuleId: answer.proposeRule.ruleId,
      },
    };
  }
  return {
    assessment: assessmentRow,
    route: {
      kind: 'manual',
      reasons: [
        ...manualReasons,
        {
          code: 'no_delegation',
          text: 'Roboten saknar delegation för beslutet och ingen delegat kan signera ett förslag.',
        },
      ],
    },
  };
}

/** Called when the robot job has exhausted its retries: the case goes to a human, never lost. */
export async function robotGaveUp(
  deps: RobotDeps,
  payload: { municipalityCode: string; applicationId: string },
  jobId: string,
  error: Error,
) {
  const t = await tenantRef(deps.db, payload.municipalityCode);
  const ctx = robotCtx(deps, t, jobId);
  const app = await tenant(deps.db, t.schema)
    .selectFrom('applications')
    .select(['applicationId', 'personId'])
    .where('applicationId', '=', payload.applicationId)
    .executeTakeFirst();
  if (!app) return;
  const reasons = [
    {
      code: 'technical_error',
      text: `Tekniskt fel: roboten kunde inte slutföra bedömningen (${error.message.slice(0, 200)}).`,
    },
  ];
  const manual = manualRows(app, reasons);
  // Only from a robot state: a case a caseworker or the robot already moved stays where it is.
  await executeSteps(
    ctx.db,
    [
      [
        'claimed',
        claimStep(ctx, app.applicationId, {
          processing: 'manual',
          status: 'in_progress',
          manualReasons: reasons,
          countsAttempt: false,
        }),
      ],
      ['manual_event', insertFromJson(t.schema, 'caseEvents', [manual.event], { when: claimedCase })],
      ['manual_notification', notificationStep(t.schema, manual.notification, claimedCase)],
      ['audit', auditStep(ctx, [{ events: [manual.audit], when: claimedCase }])],
    ],
    sql`SELECT 1`,
  );
}
