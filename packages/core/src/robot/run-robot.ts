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
import { type ApplicationForm, toCalculationInput } from '../applications/form.ts';
import { notify } from '../applications/notifications.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx, Logger, TenantRef } from '../context.ts';
import { recordDecision } from '../decisions/record-decision.ts';
import { evaluateFor } from '../delegation/delegation-rules.ts';
import { normsForMonth } from '../norms/norms-for-month.ts';
import { registerFindings } from './register-findings.ts';

export interface RobotDeps {
  db: RootDb;
  registers: RegisterGateway;
  log: Logger;
  now: () => Date;
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

export function robotCtx(deps: RobotDeps, t: TenantRef, jobId: string): Ctx {
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

/** Sends the case to the manual queue with reasons (idempotent: only from a robot state). */
async function toManual(
  ctx: Ctx,
  applicationId: string,
  personId: string,
  reasons: { code: string; text: string }[],
  db: RootDb,
) {
  const t = tenant(db, ctx.tenant.schema);
  const moved = await t
    .updateTable('applications')
    .set({
      processing: 'manual',
      status: 'in_progress',
      manualReasons: JSON.stringify(reasons),
      updatedAt: ctx.now(),
    })
    .where('applicationId', '=', applicationId)
    .where('processing', 'in', ['queued', 'assessing'])
    .returning('applicationId')
    .executeTakeFirst();
  if (!moved) return false;
  await t
    .insertInto('caseEvents')
    .values({ applicationId, kind: 'manual', actor: 'robot', detail: JSON.stringify({ reasons }) })
    .execute();
  await notify(t, {
    personId,
    applicationId,
    kind: 'in_progress',
    title: 'Din ansökan handläggs',
    body: 'En handläggare går igenom din ansökan. Du får besked senast nästa vardag eller ett meddelande om vi behöver komplettering.',
  });
  await recordAudit(
    ctx,
    {
      action: 'robot.route_manual',
      objectType: 'application',
      objectId: applicationId,
      personId,
      detail: { reasons },
    },
    db,
  );
  return true;
}

/**
 * The robot's work on one application (job `application.assess`). Idempotent: a redelivered
 * or concurrent job finds the case already handled, and the decision itself is unique per
 * application in the database. Register errors throw so the job is retried; when retries are
 * exhausted, `robotGaveUp` sends the case to a caseworker with "teknisk fel".
 */
export async function runRobot(
  deps: RobotDeps,
  payload: { municipalityCode: string; applicationId: string },
  jobId: string,
): Promise<RobotResult> {
  const t = await tenantRef(deps.db, payload.municipalityCode);
  const ctx = robotCtx(deps, t, jobId);
  const db = tenant(deps.db, t.schema);

  // Claim the case. A case already decided, proposed or routed stays as it is.
  const claimed = await db
    .updateTable('applications')
    .set((eb) => ({
      processing: 'assessing',
      status: 'in_progress',
      robotAttempts: eb('robotAttempts', '+', 1),
      updatedAt: deps.now(),
    }))
    .where('applicationId', '=', payload.applicationId)
    .where('processing', 'in', ['queued', 'assessing'])
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return 'already_handled';
  const citizen = await db
    .selectFrom('citizens')
    .selectAll()
    .where('personId', '=', claimed.personId)
    .executeTakeFirstOrThrow();
  const form = claimed.form as unknown as ApplicationForm;
  await recordAudit(ctx, {
    action: 'robot.read_case',
    objectType: 'application',
    objectId: claimed.applicationId,
    personId: claimed.personId,
  });

  // 1. Residency and register data (SSBTEK), fetched only for what the case needs; each fetch logged to the case.
  const person = await deps.registers.lookupPerson(citizen.personnummer);
  if (!person || person.municipalityCode !== t.code || person.deceased) {
    await toManual(
      ctx,
      claimed.applicationId,
      claimed.personId,
      [{ code: 'register_mismatch', text: `Sökanden är enligt folkbokföringen inte bosatt i ${t.name}.` }],
      deps.db,
    );
    return 'manual';
  }
  const periods = defaultPeriods(form.month);
  const sources = sourcesFor({
    hasChildren: form.household.children.length > 0,
    isStudent: form.incomes.some((i) => i.type === 'studentAid'),
    hasVehicleQuestion: true,
    isNonCitizen: false,
    isPensioner: form.incomes.some((i) => i.type === 'pension'),
  });
  const people = [{ who: `${citizen.givenName} ${citizen.familyName}`, personnummer: citizen.personnummer }];
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
        caseReference: claimed.caseNumber,
        municipalityCode: t.code,
      });
      responses.push({ who: p.who, response });
      await db
        .insertInto('registerFetches')
        .values({
          applicationId: claimed.applicationId,
          personnummer: response.personnummer,
          sources,
          periods,
          outcome: 'ok',
          response: JSON.stringify(response),
        })
        .execute();
    } catch (error) {
      await db
        .insertInto('registerFetches')
        .values({
          applicationId: claimed.applicationId,
          personnummer: citizen.personnummer,
          sources,
          periods,
          outcome: 'failed',
          response: null,
          error: String((error as Error).message).slice(0, 500),
        })
        .execute();
      throw error;
    }
  }
  await recordAudit(ctx, {
    action: 'robot.fetch_registers',
    objectType: 'application',
    objectId: claimed.applicationId,
    personId: claimed.personId,
    detail: { sources, periods, persons: people.length },
  });

  // 2. Labour-market plan covering the month, and the previous month's decision.
  const { first, last } = monthBounds(form.month);
  const plan = await db
    .selectFrom('labourAssessments')
    .selectAll()
    .where('personId', '=', claimed.personId)
    .orderBy('recordedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const labourPlan: LabourPlanStatus | undefined = plan
    ? {
        coversMonth: plan.planFrom <= first && plan.planTo >= last,
        availableForWork: plan.availableForWork,
        ...(plan.reason ? { reason: plan.reason } : {}),
      }
    : undefined;
  const previous = await db
    .selectFrom('decisions')
    .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
    .select(['decisions.month', 'decisions.amountOre', 'applications.form', 'decisions.applicationId'])
    .where('applications.householdKey', '=', claimed.householdKey)
    .where('decisions.month', '<=', form.month)
    .where('decisions.applicationId', '<>', claimed.applicationId)
    .orderBy('decisions.month', 'desc')
    .limit(1)
    .executeTakeFirst();
  const previousRent = previous
    ? ((previous.form as unknown as ApplicationForm).costs.find((c) => c.type === 'rent')?.amountOre ?? 0)
    : 0;

  // 3. Calculate and assess (pure domain code), with the norm version stored alongside.
  const { norm, guidelines, guidelinesVersionId } = await normsForMonth(deps.db, t.schema, form.month);
  const calculation = calculateAssistance(
    toCalculationInput(
      { personnummer: citizen.personnummer, givenName: citizen.givenName },
      form,
      norm,
      guidelines,
    ),
  );
  const declaredIncome = form.incomes.reduce((s, i) => s + i.amountOre, 0);
  const assessment: Assessment = assessApplication({
    calculation,
    guidelines,
    ...(previous
      ? { previousDecision: { month: previous.month, rentOre: previousRent, payableOre: previous.amountOre } }
      : {}),
    ...(labourPlan ? { labourPlan } : {}),
    registerFindings: registerFindings({ month: form.month, declaredIncomeOre: declaredIncome, responses }),
    hasOtherItems: form.otherItems.length > 0,
  });
  await db
    .insertInto('robotAssessments')
    .values({
      applicationId: claimed.applicationId,
      outcome: assessment.outcome,
      reasons: JSON.stringify(assessment.reasons),
      calculation: JSON.stringify(calculation),
      normVersion: calculation.normVersion,
      guidelinesVersionId,
    })
    .onConflict((oc) => oc.column('applicationId').doNothing())
    .execute();

  if (assessment.outcome === 'manual') {
    await toManual(
      ctx,
      claimed.applicationId,
      claimed.personId,
      assessment.reasons.map((r) => ({ code: r.code, text: r.text })),
      deps.db,
    );
    return 'manual';
  }

  // 4. Delegation: may the robot decide here, or only propose for a named delegate?
  const decisionType = assessment.outcome === 'approve' ? 'assistance.approve' : 'assistance.reject';
  const amountOre = assessment.outcome === 'approve' ? calculation.payableOre : 0;
  const answer = await evaluateFor(ctx, {
    actor: ROBOT,
    decisionType,
    amountOre,
    normOre: normOf(calculation),
  });
  const reasons = assessment.reasons.map((r) => r.text);

  if (answer.mode === 'decide') {
    try {
      await deps.db.transaction().execute((trx) =>
        recordDecision(ctx, trx, {
          applicationId: claimed.applicationId,
          outcome: assessment.outcome === 'approve' ? 'approved' : 'rejected',
          amountOre,
          calculation,
          reasons,
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
        }),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'decision_exists') return 'already_handled';
      throw error;
    }
    return 'decided';
  }
  if (answer.mode === 'propose') {
    await deps.db.transaction().execute(async (trx) => {
      const tt = tenant(trx, t.schema);
      const inserted = await tt
        .insertInto('proposals')
        .values({
          applicationId: claimed.applicationId,
          decisionType,
          amountOre,
          normOre: normOf(calculation),
          proposeRuleId: answer.proposeRule.ruleId,
        })
        .onConflict((oc) => oc.column('applicationId').doNothing())
        .returning('proposalId')
        .executeTakeFirst();
      await tt
        .updateTable('applications')
        .set({ processing: 'proposed', updatedAt: deps.now() })
        .where('applicationId', '=', claimed.applicationId)
        .execute();
      if (inserted) {
        await tt
          .insertInto('caseEvents')
          .values({
            applicationId: claimed.applicationId,
            kind: 'proposed',
            actor: 'robot',
            detail: JSON.stringify({ decisionType, amountOre }),
          })
          .execute();
        await recordAudit(
          ctx,
          {
            action: 'robot.propose',
            objectType: 'proposal',
            objectId: inserted.proposalId,
            personId: claimed.personId,
            delegationRuleId: answer.proposeRule.ruleId,
          },
          trx,
        );
      }
    });
    return 'proposed';
  }
  await toManual(
    ctx,
    claimed.applicationId,
    claimed.personId,
    [
      ...assessment.reasons.map((r) => ({ code: r.code, text: r.text })),
      {
        code: 'no_delegation',
        text: 'Roboten saknar delegation för beslutet och ingen delegat kan signera ett förslag.',
      },
    ],
    deps.db,
  );
  return 'manual';
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
    .select(['personId'])
    .where('applicationId', '=', payload.applicationId)
    .executeTakeFirst();
  if (!app) return;
  await toManual(
    ctx,
    payload.applicationId,
    app.personId,
    [
      {
        code: 'technical_error',
        text: `Tekniskt fel: roboten kunde inte slutföra bedömningen (${error.message.slice(0, 200)}).`,
      },
    ],
    deps.db,
  );
}
