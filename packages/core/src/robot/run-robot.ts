import { randomUUID } from 'node:crypto';
import {
  asPrepared,
  executeSteps,
  findMunicipality,
  insertFromJson,
  platform,
  type RootDb,
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
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { type ApplicationForm, toCalculationInput } from '../applications/form.ts';
import { notificationStep } from '../applications/notifications.ts';
import { type AuditEvent, type AuditGroup, auditStep } from '../audit/record-audit.ts';
import { type Ctx, type Logger, stockholmToday, type TenantRef } from '../context.ts';
import {
  type DecisionInput,
  decisionSteps,
  isDecisionExists,
  type LockedApplication,
} from '../decisions/record-decision.ts';
import { evaluateIn, loadDelegationContext } from '../delegation/delegation-rules.ts';
import { normsForMonth } from '../norms/norms-for-month.ts';
import { registerFindings } from './register-findings.ts';
import { RobotCache } from './robot-cache.ts';

export { RobotCache } from './robot-cache.ts';

export interface RobotDeps {
  db: RootDb;
  registers: RegisterGateway;
  log: Logger;
  now: () => Date;
  /** The worker's per-process cache of tenant reference data; without it every job loads afresh. */
  cache?: RobotCache;
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
 * Everything the robot reads about one case, in one query: the application, the applicant, the
 * latest labour-market plan, the household's latest earlier decision, and the stamps of the
 * tenant reference data (see RobotCache) as of this same snapshot.
 */
function readCaseQuery(db: RootDb, schema: string, code: string, applicationId: string) {
  const table = (name: string) => sql.id(schema, name);
  return tenant(db, schema)
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
    .where('a.applicationId', '=', applicationId);
}

type CaseRow = NonNullable<Awaited<ReturnType<ReturnType<typeof readCaseQuery>['executeTakeFirst']>>>;

/**
 * `readCaseQuery` compiled once per tenant, with the application id as its one varying
 * parameter: building and compiling the query through kysely for every job cost more Node CPU
 * than the rest of the read. Bounded by the number of tenants.
 */
const compiledReadCase = new Map<string, { query: CompiledQuery<CaseRow>; index: number }>();
const APPLICATION_PLACEHOLDER = '00000000-0000-4000-8000-000000000000';

async function readCase(db: RootDb, schema: string, code: string, applicationId: string) {
  const key = `${schema}|${code}`;
  let compiled = compiledReadCase.get(key);
  if (!compiled) {
    const query = readCaseQuery(db, schema, code, APPLICATION_PLACEHOLDER).compile();
    const index = query.parameters.indexOf(APPLICATION_PLACEHOLDER);
    if (index < 0 || query.parameters.lastIndexOf(APPLICATION_PLACEHOLDER) !== index) {
      throw new Error('readCase: the application id must be exactly one parameter of the query');
    }
    compiled = { query, index };
    compiledReadCase.set(key, compiled);
  }
  const parameters = [...compiled.query.parameters];
  parameters[compiled.index] = applicationId;
  const { rows } = await db.executeQuery<CaseRow>(asPrepared({ ...compiled.query, parameters }));
  return rows[0];
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
 * The step that claims the case for this attempt — and, in the same UPDATE, moves it to the
 * attempt's result — only from a robot state. Its row lock makes a concurrent attempt wait and
 * then find the case handled; every later step that depends on the result runs only if this
 * one returned the row (`claimedCase`).
 */
function claimStep(
  ctx: Ctx,
  applicationId: string,
  to: { processing: string; status: string; manualReasons?: { code: string; text: string }[] },
) {
  return sql`UPDATE ${sql.id(ctx.tenant.schema, 'applications')}
    SET processing = ${to.processing}, status = ${to.status}, robot_attempts = robot_attempts + 1,
      updated_at = ${ctx.now()}
      ${to.manualReasons ? sql`, manual_reasons = ${JSON.stringify(to.manualReasons)}::jsonb` : sql``}
    WHERE application_id = ${applicationId} AND ${inRobotState}
    RETURNING application_id`;
}

const claimedCase = sql`EXISTS (SELECT 1 FROM claimed)`;

/** A route's steps of the write statement, and its audit entries for the one audit step. */
interface RouteSteps {
  steps: [string, RawBuilder<unknown>][];
  audit: AuditGroup;
}

function fetchesStep(ctx: Ctx, applicationId: string, fetches: readonly FetchLog[]) {
  return insertFromJson(
    ctx.tenant.schema,
    'registerFetches',
    fetches.map((f) => ({
      applicationId,
      personnummer: f.personnummer,
      sources: f.sources,
      periods: f.periods,
      outcome: f.response ? 'ok' : 'failed',
      response: f.response,
      error: f.error ?? null,
    })),
  );
}

/**
 * The steps that send a case to the manual queue with reasons: case event, the citizen's
 * notification and the audit entry, each only `when` the case was moved (by the caller's step).
 */
function manualSteps(
  ctx: Ctx,
  app: { applicationId: string; personId: string },
  reasons: { code: string; text: string }[],
  when: RawBuilder<unknown>,
): RouteSteps {
  const schema = ctx.tenant.schema;
  const steps: [string, RawBuilder<unknown>][] = [
    [
      'manual_event',
      insertFromJson(
        schema,
        'caseEvents',
        [{ applicationId: app.applicationId, kind: 'manual', actor: 'robot', detail: { reasons } }],
        { when },
      ),
    ],
    [
      'manual_notification',
      notificationStep(
        schema,
        {
          personId: app.personId,
          applicationId: app.applicationId,
          kind: 'in_progress',
          title: 'Din ansökan handläggs',
          body: 'En handläggare går igenom din ansökan. Du får besked senast nästa vardag eller ett meddelande om vi behöver komplettering.',
        },
        when,
      ),
    ],
  ];
  const audit: AuditGroup = {
    events: [
      {
        action: 'robot.route_manual',
        objectType: 'application',
        objectId: app.applicationId,
        personId: app.personId,
        detail: { reasons },
      },
    ],
    when,
  };
  return { steps, audit };
}

function proposeSteps(ctx: Ctx, c: CaseRow, route: Extract<Route, { kind: 'propose' }>): RouteSteps {
  const schema = ctx.tenant.schema;
  const proposalId = randomUUID();
  const proposed = sql`EXISTS (SELECT 1 FROM proposal)`;
  const steps: [string, RawBuilder<unknown>][] = [
    [
      'proposal',
      insertFromJson(
        schema,
        'proposals',
        [
          {
            proposalId,
            applicationId: c.applicationId,
            decisionType: route.decisionType,
            amountOre: route.amountOre,
            normOre: route.normOre,
            proposeRuleId: route.proposeRuleId,
          },
        ],
        { when: claimedCase, onConflictDoNothing: 'applicationId', returning: ['proposalId'] },
      ),
    ],
    [
      'proposed_event',
      insertFromJson(
        schema,
        'caseEvents',
        [
          {
            applicationId: c.applicationId,
            kind: 'proposed',
            actor: 'robot',
            detail: { decisionType: route.decisionType, amountOre: route.amountOre },
          },
        ],
        { when: proposed },
      ),
    ],
  ];
  const audit: AuditGroup = {
    events: [
      {
        action: 'robot.propose',
        objectType: 'proposal',
        objectId: proposalId,
        personId: c.personId,
        delegationRuleId: route.proposeRuleId,
      },
    ],
    when: proposed,
  };
  return { steps, audit };
}

/**
 * An attempt that ends without a result (a register failed, or the result could not be
 * written): the attempt, its register fetches and audit entries are committed on their own, so
 * the case shows what was fetched before the job is retried.
 */
async function logAttempt(ctx: Ctx, c: CaseRow, fetches: readonly FetchLog[], audit: AuditEvent[]) {
  await executeSteps(
    ctx.db,
    [
      ['claimed', claimStep(ctx, c.applicationId, { processing: 'assessing', status: 'in_progress' })],
      ['fetches', fetchesStep(ctx, c.applicationId, fetches)],
      ['audit', auditStep(ctx, [{ events: audit }])],
    ],
    sql`SELECT 1`,
  );
}

/**
 * Writes an attempt's result in ONE statement (data-modifying CTEs: one round trip, one
 * transaction): the claim, which moves the case to its result under a row lock so a concurrent
 * attempt waits and then finds it handled; the register fetches and the read/fetch audit
 * entries (always); and, only if the claim took the case, the assessment and the route — the
 * decision with its payment, a proposal, or the manual queue — with case event, notification
 * and audit entries. If the statement fails, the fetches and audit entries are still committed
 * (`logAttempt`) before the error goes on; a decision that already exists is "already handled".
 */
async function commitRun(
  ctx: Ctx,
  c: CaseRow,
  fetches: readonly FetchLog[],
  audit: AuditEvent[],
  assessment: AssessmentRow | null,
  route: Route,
): Promise<RobotResult> {
  const schema = ctx.tenant.schema;
  const to =
    route.kind === 'decide'
      ? { processing: 'decided', status: 'completed' }
      : route.kind === 'propose'
        ? { processing: 'proposed', status: 'in_progress' }
        : { processing: 'manual', status: 'in_progress', manualReasons: route.reasons };
  const steps: [string, RawBuilder<unknown>][] = [
    ['claimed', claimStep(ctx, c.applicationId, to)],
    ['fetches', fetchesStep(ctx, c.applicationId, fetches)],
  ];
  if (assessment) {
    steps.push([
      'assessment',
      insertFromJson(schema, 'robotAssessments', [{ applicationId: c.applicationId, ...assessment }], {
        when: claimedCase,
        onConflictDoNothing: 'applicationId',
      }),
    ]);
  }
  let routed: RouteSteps;
  if (route.kind === 'decide') {
    const locked: LockedApplication = {
      applicationId: c.applicationId,
      caseNumber: c.caseNumber,
      month: c.month,
      form: c.form,
      personId: c.personId,
      personnummer: c.personnummer,
      givenName: c.givenName,
      familyName: c.familyName,
    };
    routed = decisionSteps(ctx, locked, route.decision, { when: claimedCase, movesApplication: false });
  } else if (route.kind === 'propose') {
    routed = proposeSteps(ctx, c, route);
  } else {
    routed = manualSteps(ctx, c, route.reasons, claimedCase);
  }
  // One audit insert: what the attempt read and fetched (always), then what it concluded.
  steps.push(...routed.steps, ['audit', auditStep(ctx, [{ events: audit }, routed.audit])]);
  try {
    const [result] = await executeSteps<{ claimed: boolean }>(
      ctx.db,
      steps,
      sql`SELECT ${claimedCase} AS claimed`,
      { prepared: true },
    );
    if (!result?.claimed) return 'already_handled';
    return route.kind === 'decide' ? 'decided' : route.kind === 'propose' ? 'proposed' : 'manual';
  } catch (error) {
    await logAttempt(ctx, c, fetches, audit);
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
 * prepared statement, see `asPrepared`).
 */
export async function runRobot(
  deps: RobotDeps,
  payload: { municipalityCode: string; applicationId: string },
  jobId: string,
): Promise<RobotResult> {
  const cache = deps.cache ?? new RobotCache();
  const code = payload.municipalityCode;
  const schema = await cache.schemaOf(deps.db, code);
  const c = await readCase(deps.db, schema, code, payload.applicationId);
  if (!c || !(ROBOT_STATES as readonly string[]).includes(c.processing)) return 'already_handled';
  const t = await cache.get(`tenant:${code}`, c.platformStamp, () => tenantRef(deps.db, code));
  const ctx = robotCtx(deps, t, jobId);
  const form = c.form as unknown as ApplicationForm;
  const audit: AuditEvent[] = [
    { action: 'robot.read_case', objectType: 'application', objectId: c.applicationId, personId: c.personId },
  ];

  // 1. Residency and register data (SSBTEK), fetched only for what the case needs; each fetch logged to the case.
  let person: Awaited<ReturnType<RegisterGateway['lookupPerson']>>;
  try {
    person = await deps.registers.lookupPerson(c.personnummer);
  } catch (error) {
    await logAttempt(ctx, c, [], audit);
    throw error;
  }
  if (!person || person.municipalityCode !== t.code || person.deceased) {
    return commitRun(ctx, c, [], audit, null, {
      kind: 'manual',
      reasons: [
        { code: 'register_mismatch', text: `Sökanden är enligt folkbokföringen inte bosatt i ${t.name}.` },
      ],
    });
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
  const fetches: FetchLog[] = [];
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
      await logAttempt(ctx, c, fetches, audit);
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
    return commitRun(ctx, c, fetches, audit, assessmentRow, { kind: 'manual', reasons: manualReasons });
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
    return commitRun(ctx, c, fetches, audit, assessmentRow, {
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
    });
  }
  if (answer.mode === 'propose') {
    return commitRun(ctx, c, fetches, audit, assessmentRow, {
      kind: 'propose',
      decisionType,
      amountOre,
      normOre: normOf(calculation),
      proposeRuleId: answer.proposeRule.ruleId,
    });
  }
  return commitRun(ctx, c, fetches, audit, assessmentRow, {
    kind: 'manual',
    reasons: [
      ...manualReasons,
      {
        code: 'no_delegation',
        text: 'Roboten saknar delegation för beslutet och ingen delegat kan signera ett förslag.',
      },
    ],
  });
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
  const manual = manualSteps(ctx, app, reasons, claimedCase);
  // Only from a robot state: a case a caseworker or the robot already moved stays where it is.
  await executeSteps(
    ctx.db,
    [
      [
        'claimed',
        sql`UPDATE ${sql.id(t.schema, 'applications')}
          SET processing = 'manual', status = 'in_progress',
            manual_reasons = ${JSON.stringify(reasons)}::jsonb, updated_at = ${ctx.now()}
          WHERE application_id = ${app.applicationId} AND ${inRobotState}
          RETURNING application_id`,
      ],
      ...manual.steps,
      ['audit', auditStep(ctx, [manual.audit])],
    ],
    sql`SELECT 1`,
  );
}
