import { findMunicipality, platform, type RootDb, tenant } from '@samverkan/db';
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
import { sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { type ApplicationForm, toCalculationInput } from '../applications/form.ts';
import { notify } from '../applications/notifications.ts';
import { type AuditEvent, recordAudit } from '../audit/record-audit.ts';
import { type Ctx, type Logger, stockholmToday, type TenantRef } from '../context.ts';
import { type DecisionInput, type LockedApplication, recordDecision } from '../decisions/record-decision.ts';
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
async function readCase(db: RootDb, schema: string, code: string, applicationId: string) {
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
    .where('a.applicationId', '=', applicationId)
    .executeTakeFirst();
}

type CaseRow = NonNullable<Awaited<ReturnType<typeof readCase>>>;

/** One register answer (or failure) for the case's register log. */
interface FetchLog {
  personnummer: string;
  sources: string[];
  periods: string[];
  response: RegisterResponse | null;
  error?: string;
}

/** What the robot concluded; written in one transaction by `commitRun`. */
type Route =
  | { kind: 'manual'; reasons: { code: string; text: string }[] }
  | { kind: 'decide'; decision: Omit<DecisionInput, 'auditWith' | 'locked'> }
  | {
      kind: 'propose';
      decisionType: string;
      amountOre: number;
      normOre: number;
      proposeRuleId: string;
    };

interface AssessmentRow {
  outcome: Assessment['outcome'];
  reasons: string;
  calculation: string;
  normVersion: string;
  guidelinesVersionId: string;
}

/**
 * Claims the case for this attempt and locks it until commit; returns the application as locked
 * (for the decision letter). Undefined: someone else handled it in the meantime.
 */
function claim(ctx: Ctx, trx: RootDb, applicationId: string): Promise<LockedApplication | undefined> {
  return tenant(trx, ctx.tenant.schema)
    .updateTable('applications')
    .from('citizens')
    .set((eb) => ({
      processing: 'assessing',
      status: 'in_progress',
      robotAttempts: eb('applications.robotAttempts', '+', 1),
      updatedAt: ctx.now(),
    }))
    .whereRef('citizens.personId', '=', 'applications.personId')
    .where('applications.applicationId', '=', applicationId)
    .where('applications.processing', 'in', ROBOT_STATES)
    .returning([
      'applications.applicationId',
      'applications.caseNumber',
      'applications.month',
      'applications.form',
      'applications.personId',
      'citizens.personnummer',
      'citizens.givenName',
      'citizens.familyName',
    ])
    .executeTakeFirst();
}

async function logFetches(ctx: Ctx, trx: RootDb, applicationId: string, fetches: readonly FetchLog[]) {
  if (fetches.length === 0) return;
  await tenant(trx, ctx.tenant.schema)
    .insertInto('registerFetches')
    .values(
      fetches.map((f) => ({
        applicationId,
        personnummer: f.personnummer,
        sources: f.sources,
        periods: f.periods,
        outcome: f.response ? ('ok' as const) : ('failed' as const),
        response: f.response ? JSON.stringify(f.response) : null,
        ...(f.error === undefined ? {} : { error: f.error }),
      })),
    )
    .execute();
}

/**
 * An attempt that ends without a result (a register failed, or the result could not be
 * written): the attempt, its register fetches and audit entries are committed on their own, so
 * the case shows what was fetched before the job is retried.
 */
async function logAttempt(ctx: Ctx, c: CaseRow, fetches: readonly FetchLog[], audit: AuditEvent[]) {
  await ctx.db.transaction().execute(async (trx) => {
    await claim(ctx, trx, c.applicationId);
    await logFetches(ctx, trx, c.applicationId, fetches);
    await recordAudit(ctx, audit, trx);
  });
}

/** Sends the case to the manual queue with reasons (idempotent: only from a robot state). */
async function toManual(
  ctx: Ctx,
  trx: RootDb,
  app: { applicationId: string; personId: string },
  reasons: { code: string; text: string }[],
  audit: AuditEvent[] = [],
) {
  const t = tenant(trx, ctx.tenant.schema);
  const moved = await t
    .updateTable('applications')
    .set({
      processing: 'manual',
      status: 'in_progress',
      manualReasons: JSON.stringify(reasons),
      updatedAt: ctx.now(),
    })
    .where('applicationId', '=', app.applicationId)
    .where('processing', 'in', ROBOT_STATES)
    .returning('applicationId')
    .executeTakeFirst();
  if (moved) {
    await t
      .insertInto('caseEvents')
      .values({
        applicationId: app.applicationId,
        kind: 'manual',
        actor: 'robot',
        detail: JSON.stringify({ reasons }),
      })
      .execute();
    await notify(t, {
      personId: app.personId,
      applicationId: app.applicationId,
      kind: 'in_progress',
      title: 'Din ansökan handläggs',
      body: 'En handläggare går igenom din ansökan. Du får besked senast nästa vardag eller ett meddelande om vi behöver komplettering.',
    });
  }
  const routed: AuditEvent = {
    action: 'robot.route_manual',
    objectType: 'application',
    objectId: app.applicationId,
    personId: app.personId,
    detail: { reasons },
  };
  await recordAudit(ctx, moved ? [...audit, routed] : audit, trx);
  return moved !== undefined;
}

async function propose(
  ctx: Ctx,
  trx: RootDb,
  c: CaseRow,
  route: Extract<Route, { kind: 'propose' }>,
  audit: AuditEvent[],
) {
  const t = tenant(trx, ctx.tenant.schema);
  const inserted = await t
    .insertInto('proposals')
    .values({
      applicationId: c.applicationId,
      decisionType: route.decisionType,
      amountOre: route.amountOre,
      normOre: route.normOre,
      proposeRuleId: route.proposeRuleId,
    })
    .onConflict((oc) => oc.column('applicationId').doNothing())
    .returning('proposalId')
    .executeTakeFirst();
  await t
    .updateTable('applications')
    .set({ processing: 'proposed', updatedAt: ctx.now() })
    .where('applicationId', '=', c.applicationId)
    .execute();
  if (inserted) {
    await t
      .insertInto('caseEvents')
      .values({
        applicationId: c.applicationId,
        kind: 'proposed',
        actor: 'robot',
        detail: JSON.stringify({ decisionType: route.decisionType, amountOre: route.amountOre }),
      })
      .execute();
  }
  const proposed: AuditEvent[] = inserted
    ? [
        {
          action: 'robot.propose',
          objectType: 'proposal',
          objectId: inserted.proposalId,
          personId: c.personId,
          delegationRuleId: route.proposeRuleId,
        },
      ]
    : [];
  await recordAudit(ctx, [...audit, ...proposed], trx);
}

/**
 * Writes an attempt's result in ONE transaction: the claim (which locks the case, so a
 * concurrent attempt waits and then finds it handled), the register fetches, the assessment and
 * the route with its case event, notification and audit entries. If that transaction fails, the
 * fetches and audit entries are still committed (`logAttempt`) before the error goes on.
 */
async function commitRun(
  ctx: Ctx,
  c: CaseRow,
  fetches: readonly FetchLog[],
  audit: AuditEvent[],
  assessment: AssessmentRow | null,
  route: Route,
): Promise<RobotResult> {
  try {
    return await ctx.db.transaction().execute(async (trx): Promise<RobotResult> => {
      const claimed = await claim(ctx, trx, c.applicationId);
      await logFetches(ctx, trx, c.applicationId, fetches);
      if (!claimed) {
        await recordAudit(ctx, audit, trx);
        return 'already_handled';
      }
      if (assessment) {
        await tenant(trx, ctx.tenant.schema)
          .insertInto('robotAssessments')
          .values({ applicationId: c.applicationId, ...assessment })
          .onConflict((oc) => oc.column('applicationId').doNothing())
          .execute();
      }
      switch (route.kind) {
        case 'manual':
          await toManual(ctx, trx, c, route.reasons, audit);
          return 'manual';
        case 'propose':
          await propose(ctx, trx, c, route, audit);
          return 'proposed';
        case 'decide':
          await recordDecision(ctx, trx, { ...route.decision, auditWith: audit, locked: claimed });
          return 'decided';
      }
    });
  } catch (error) {
    await logAttempt(ctx, c, fetches, audit);
    if (error instanceof DomainError && error.code === 'decision_exists') return 'already_handled';
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
 * case), then the register calls with no transaction open, then one write transaction.
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
    reasons: JSON.stringify(assessment.reasons),
    calculation: JSON.stringify(calculation),
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
  await deps.db.transaction().execute((trx) =>
    toManual(ctx, trx, app, [
      {
        code: 'technical_error',
        text: `Tekniskt fel: roboten kunde inte slutföra bedömningen (${error.message.slice(0, 200)}).`,
      },
    ]),
  );
}
