import { randomInt } from 'node:crypto';
import { findGuidelinesInForce, type RootDb, type SampleCheckOutcome, tenant } from '@samverkan/db';
import {
  actorId,
  addDays,
  addMonths,
  addWorkingDays,
  COST_LABELS,
  type CostType,
  DomainError,
  daysInMonth,
  formatSwedishMonth,
  parseIsoMonth,
  parseTenantGuidelines,
  stockholmDate,
  stockholmStartOfDay,
} from '@samverkan/domain';
import type { ApplicationForm } from '../applications/form.ts';
import { notify } from '../applications/notifications.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

/**
 * Stickprov and blind re-assessment.
 *
 * Each month the decisions of the previous month are sampled once: a share (the tenant's
 * `sampleCheckRate`, default 10 %) of the approvals get a document check — the citizen is told on
 * Mina ärenden which documents to send and by when, and a caseworker records the outcome — and a
 * share (`blindReviewRate`) of the robot's results get a blind re-assessment: a caseworker who did
 * not take the decision decides the same data without seeing the robot's result, and the
 * agreement rate is reported. One draw per month is a primary key, so a re-run returns the same
 * sample and nobody can redraw until the sample suits them.
 */

/** Working days the citizen has to send the documents. */
export const SAMPLE_CHECK_RESPONSE_WORKING_DAYS = 10;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const staffUsername = (ctx: Ctx): string => {
  if (ctx.actor.kind === 'staff') return ctx.actor.username;
  throw new DomainError('forbidden', 'Endast personal kan hantera stickprov.');
};

function monthRange(month: string): { from: Date; to: Date; lastDay: string } {
  const { year, month: m } = parseIsoMonth(month);
  const lastDay = `${month}-${String(daysInMonth(year, m)).padStart(2, '0')}`;
  return { from: stockholmStartOfDay(`${month}-01`), to: stockholmStartOfDay(addDays(lastDay, 1)), lastDay };
}

/** `count` distinct items chosen uniformly at random (partial Fisher–Yates on a copy). */
export function drawRandom<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}

/** How many to draw: the rate of the population, rounded up so a non-zero rate never draws none. */
export const sampleSize = (population: number, rate: number): number =>
  rate <= 0 || population === 0 ? 0 : Math.min(population, Math.ceil(population * rate - 1e-9));

/** The documents a sample check asks for, from what the application declared. */
export function requestedDocuments(form: ApplicationForm): string[] {
  const month = formatSwedishMonth(form.month);
  const docs = [`Kontoutdrag för alla hushållets konton för ${month}`];
  const perCost: Partial<Record<CostType, string>> = {
    rent: `Hyresavi eller kvitto på betald hyra för ${month}`,
    electricity: 'Elräkning för hushållsel',
    homeInsurance: 'Försäkringsbrev eller faktura för hemförsäkringen',
    unionFee: 'Kvitto på avgiften till fackföreningen',
    unemploymentFundFee: 'Kvitto på avgiften till a-kassan',
    workTravel: 'Kvitto eller periodkort för arbetsresor',
    childcare: 'Faktura för förskola eller fritidshem',
  };
  for (const cost of form.costs) {
    const doc = perCost[cost.type] ?? `Kvitto för ${COST_LABELS[cost.type].toLowerCase()}`;
    if (!docs.includes(doc)) docs.push(doc);
  }
  if (form.incomes.some((i) => i.type === 'wage')) docs.push(`Lönespecifikation för ${month}`);
  if (form.incomes.some((i) => i.type === 'other')) docs.push('Underlag för övriga inkomster');
  return docs;
}

export interface SampleDrawSummary {
  month: string;
  population: number;
  blindPopulation: number;
  sampleRate: number;
  blindRate: number;
  documentsDrawn: number;
  blindDrawn: number;
  drawnBy: string;
  drawnAt: string;
  /** False when the month had been drawn already and this call returned that draw. */
  created: boolean;
}

const summaryOf = (
  row: {
    drawMonth: string;
    population: number;
    blindPopulation: number;
    sampleRate: string | number;
    blindRate: string | number;
    documentsDrawn: number;
    blindDrawn: number;
    drawnBy: string;
    drawnAt: Date;
  },
  created: boolean,
): SampleDrawSummary => ({
  month: row.drawMonth,
  population: row.population,
  blindPopulation: row.blindPopulation,
  sampleRate: Number(row.sampleRate),
  blindRate: Number(row.blindRate),
  documentsDrawn: row.documentsDrawn,
  blindDrawn: row.blindDrawn,
  drawnBy: row.drawnBy,
  drawnAt: row.drawnAt.toISOString(),
  created,
});

/**
 * Draws the month's sample (default: the month before today in Sweden). Idempotent: the first
 * draw of a month is kept and returned by every later call. Only a month that has ended can be
 * drawn, so its population is complete.
 */
export async function drawSamples(ctx: Ctx, month?: string): Promise<SampleDrawSummary> {
  // Staff by hand, or the monthly scheduled job (the robot identity).
  if (ctx.actor.kind === 'citizen') throw new DomainError('forbidden', 'Endast personal kan dra stickprov.');
  const drawnBy = actorId(ctx.actor);
  const today = stockholmDate(ctx.now());
  const drawMonth = month ?? addMonths(today.slice(0, 7), -1);
  if (!MONTH.test(drawMonth))
    throw new DomainError('validation_failed', 'Månad skrivs ÅÅÅÅ-MM.', {
      issues: [{ path: 'month', message: 'Månad skrivs ÅÅÅÅ-MM' }],
    });
  if (drawMonth >= today.slice(0, 7))
    throw new DomainError('invalid_state', `Stickprov för ${drawMonth} kan dras först när månaden är slut.`);
  const { from, to, lastDay } = monthRange(drawMonth);

  return ctx.db.transaction().execute(async (trx) => {
    const t = tenant(trx, ctx.tenant.schema);
    const existing = await t
      .selectFrom('sampleDraws')
      .selectAll()
      .where('drawMonth', '=', drawMonth)
      .executeTakeFirst();
    if (existing) return summaryOf(existing, false);

    const guidelinesRow = await findGuidelinesInForce(t, lastDay);
    if (!guidelinesRow)
      throw new DomainError('invalid_state', `Kommunens riktlinjer för ${drawMonth} saknas.`);
    const { sampleCheckRate, blindReviewRate } = parseTenantGuidelines(guidelinesRow.body);

    const decided = await t
      .selectFrom('decisions')
      .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
      .select([
        'decisions.applicationId',
        'decisions.outcome',
        'decisions.decidedByKind',
        'decisions.proposalId',
        'applications.personId',
        'applications.form',
        'applications.month',
      ])
      .where('decisions.decidedAt', '>=', from)
      .where('decisions.decidedAt', '<', to)
      .orderBy('decisions.applicationId')
      .execute();
    // Document checks protect what was paid; blind reviews test the robot's own results.
    const approvals = decided.filter((d) => d.outcome !== 'rejected');
    const documentSample = drawRandom(approvals, sampleSize(approvals.length, sampleCheckRate));
    const inDocuments = new Set(documentSample.map((d) => d.applicationId));
    const robotResults = decided.filter((d) => d.decidedByKind === 'robot' || d.proposalId !== null);
    const blindSample = drawRandom(
      robotResults.filter((d) => !inDocuments.has(d.applicationId)),
      sampleSize(robotResults.length, blindReviewRate),
    );

    const inserted = await t
      .insertInto('sampleDraws')
      .values({
        drawMonth,
        population: approvals.length,
        blindPopulation: robotResults.length,
        sampleRate: sampleCheckRate,
        blindRate: blindReviewRate,
        documentsDrawn: documentSample.length,
        blindDrawn: blindSample.length,
        drawnBy,
      })
      .onConflict((oc) => oc.column('drawMonth').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      // A concurrent draw won; return its result.
      const winner = await t
        .selectFrom('sampleDraws')
        .selectAll()
        .where('drawMonth', '=', drawMonth)
        .executeTakeFirstOrThrow();
      return summaryOf(winner, false);
    }

    const dueDate = addWorkingDays(today, SAMPLE_CHECK_RESPONSE_WORKING_DAYS);
    if (documentSample.length > 0) {
      const checks = await t
        .insertInto('sampleChecks')
        .values(
          documentSample.map((d) => ({
            applicationId: d.applicationId,
            kind: 'documents' as const,
            drawMonth,
            requestedDocuments: JSON.stringify(requestedDocuments(d.form as unknown as ApplicationForm)),
            dueDate,
          })),
        )
        .returning(['sampleCheckId', 'applicationId', 'requestedDocuments'])
        .execute();
      const byApp = new Map(documentSample.map((d) => [d.applicationId, d]));
      for (const check of checks) {
        const d = byApp.get(check.applicationId);
        if (!d) continue;
        await notify(t, {
          personId: d.personId,
          applicationId: d.applicationId,
          kind: 'document_request',
          title: 'Stickprov – skicka in underlag',
          body:
            `Din ansökan om ekonomiskt bistånd för ${formatSwedishMonth(d.month)} har valts ut i ett slumpmässigt ` +
            `stickprov. Skicka in följande senast ${dueDate}: ${(check.requestedDocuments as string[]).join('; ')}. ` +
            'Stickprovet görs på en del av alla beslut varje månad och betyder inte att vi misstänker något fel.',
          dedupeKey: `sample_check:${check.sampleCheckId}`,
        });
      }
    }
    if (blindSample.length > 0) {
      await t
        .insertInto('sampleChecks')
        .values(
          blindSample.map((d) => ({
            applicationId: d.applicationId,
            kind: 'blind_review' as const,
            drawMonth,
            requestedDocuments: '[]',
          })),
        )
        .execute();
    }
    const drawnIds = [...documentSample, ...blindSample].map((d) => d.applicationId);
    if (drawnIds.length > 0) {
      await t
        .insertInto('caseEvents')
        .values(
          drawnIds.map((applicationId) => ({
            applicationId,
            kind: 'sample_check.drawn',
            actor: drawnBy,
            detail: JSON.stringify({
              drawMonth,
              kind: inDocuments.has(applicationId) ? 'documents' : 'blind_review',
            }),
          })),
        )
        .execute();
    }
    await recordAudit(
      ctx,
      {
        action: 'sample.draw',
        objectType: 'sample_draw',
        objectId: drawMonth,
        detail: {
          population: approvals.length,
          blindPopulation: robotResults.length,
          documentsDrawn: documentSample.length,
          blindDrawn: blindSample.length,
        },
      },
      trx,
    );
    return summaryOf(inserted, true);
  });
}

export interface SampleCheckFilter {
  month?: string;
  kind?: 'documents' | 'blind_review';
  status?: 'open' | 'completed';
}

/**
 * The caseworkers' list of checks. A blind review lists no result of the case: only what is
 * needed to pick it up.
 */
export async function listSampleChecks(ctx: Ctx, filter: SampleCheckFilter) {
  let q = tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('sampleChecks')
    .innerJoin('applications', 'applications.applicationId', 'sampleChecks.applicationId')
    .select([
      'sampleChecks.sampleCheckId',
      'sampleChecks.applicationId',
      'sampleChecks.kind',
      'sampleChecks.drawMonth',
      'sampleChecks.status',
      'sampleChecks.dueDate',
      'sampleChecks.requestedDocuments',
      'sampleChecks.outcome',
      'sampleChecks.assignedTo',
      'sampleChecks.recordedBy',
      'sampleChecks.recordedAt',
      'applications.caseNumber',
      'applications.month',
    ])
    .orderBy('sampleChecks.drawMonth', 'desc')
    .orderBy('applications.caseNumber')
    .limit(1000);
  if (filter.month) q = q.where('sampleChecks.drawMonth', '=', filter.month);
  if (filter.kind) q = q.where('sampleChecks.kind', '=', filter.kind);
  if (filter.status) q = q.where('sampleChecks.status', '=', filter.status);
  const rows = await q.execute();
  await recordAudit(ctx, { action: 'sample_checks.list', detail: { ...filter, count: rows.length } });
  return rows.map((r) => ({ ...r, requestedDocuments: r.requestedDocuments as string[] }));
}

async function findCheck(db: RootDb, ctx: Ctx, sampleCheckId: string) {
  const check = await tenant(db, ctx.tenant.schema)
    .selectFrom('sampleChecks')
    .innerJoin('applications', 'applications.applicationId', 'sampleChecks.applicationId')
    .selectAll('sampleChecks')
    .select(['applications.personId', 'applications.caseNumber', 'applications.month'])
    .where('sampleChecks.sampleCheckId', '=', sampleCheckId)
    .forUpdate()
    .executeTakeFirst();
  if (!check) throw new DomainError('not_found', 'Stickprovet finns inte.');
  return check;
}

/** The caseworker records what the documents showed. Once: a completed check is not changed. */
export async function recordDocumentCheck(
  ctx: Ctx,
  sampleCheckId: string,
  input: { outcome: SampleCheckOutcome; note?: string | undefined },
) {
  const recordedBy = staffUsername(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const check = await findCheck(trx, ctx, sampleCheckId);
    if (check.kind !== 'documents')
      throw new DomainError('invalid_state', 'Detta är en blindgranskning, inte en dokumentkontroll.');
    if (check.status !== 'open') throw new DomainError('invalid_state', 'Stickprovet är redan avslutat.');
    const t = tenant(trx, ctx.tenant.schema);
    const updated = await t
      .updateTable('sampleChecks')
      .set({
        status: 'completed',
        outcome: input.outcome,
        note: input.note ?? null,
        recordedBy,
        recordedAt: ctx.now(),
      })
      .where('sampleCheckId', '=', sampleCheckId)
      .where('status', '=', 'open')
      .returning([
        'sampleCheckId',
        'applicationId',
        'kind',
        'drawMonth',
        'status',
        'dueDate',
        'requestedDocuments',
        'outcome',
        'assignedTo',
        'recordedBy',
        'recordedAt',
      ])
      .executeTakeFirstOrThrow();
    await t
      .insertInto('caseEvents')
      .values({
        applicationId: check.applicationId,
        kind: 'sample_check.recorded',
        actor: recordedBy,
        detail: JSON.stringify({ outcome: input.outcome }),
      })
      .execute();
    await recordAudit(
      ctx,
      {
        action: 'sample_check.record',
        objectType: 'sample_check',
        objectId: sampleCheckId,
        personId: check.personId,
        detail: { outcome: input.outcome },
      },
      trx,
    );
    return {
      ...updated,
      caseNumber: check.caseNumber,
      month: check.month,
      requestedDocuments: updated.requestedDocuments as string[],
    };
  });
}

/**
 * Opens a blind review for the calling caseworker: the application as the citizen sent it, the
 * register answers and the labour-market plan — not the robot's assessment, calculation,
 * proposal or decision. The caseworker who took the decision may not review it, and while the
 * review is theirs the ordinary case view is closed to them (see `assertNotBlindReviewer`).
 */
export async function openBlindReview(ctx: Ctx, sampleCheckId: string) {
  const reviewer = staffUsername(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const check = await findCheck(trx, ctx, sampleCheckId);
    if (check.kind !== 'blind_review')
      throw new DomainError('invalid_state', 'Detta är inte en blindgranskning.');
    if (check.status !== 'open') throw new DomainError('invalid_state', 'Blindgranskningen är redan gjord.');
    if (check.assignedTo !== null && check.assignedTo !== reviewer)
      throw new DomainError('conflict', 'Blindgranskningen görs redan av en annan handläggare.');
    const t = tenant(trx, ctx.tenant.schema);
    const decision = await t
      .selectFrom('decisions')
      .select(['decidedBy'])
      .where('applicationId', '=', check.applicationId)
      .executeTakeFirstOrThrow();
    if (decision.decidedBy === reviewer)
      throw new DomainError('forbidden', 'Du fattade beslutet och kan inte blindgranska det.');
    if (check.assignedTo === null) {
      await t
        .updateTable('sampleChecks')
        .set({ assignedTo: reviewer, assignedAt: ctx.now() })
        .where('sampleCheckId', '=', sampleCheckId)
        .execute();
    }
    const [application, fetches, plans] = await Promise.all([
      t
        .selectFrom('applications')
        .innerJoin('citizens', 'citizens.personId', 'applications.personId')
        .select([
          'applications.caseNumber',
          'applications.month',
          'applications.channel',
          'applications.form',
          'applications.submittedAt',
          'citizens.personnummer',
          'citizens.givenName',
          'citizens.familyName',
        ])
        .where('applications.applicationId', '=', check.applicationId)
        .executeTakeFirstOrThrow(),
      t
        .selectFrom('registerFetches')
        .select(['sources', 'periods', 'outcome', 'response', 'fetchedAt'])
        .where('applicationId', '=', check.applicationId)
        .orderBy('fetchedAt')
        .execute(),
      t
        .selectFrom('labourAssessments')
        .select(['availableForWork', 'reason', 'planFrom', 'planTo', 'track'])
        .where('personId', '=', check.personId)
        .orderBy('planFrom')
        .execute(),
    ]);
    await recordAudit(
      ctx,
      {
        action: 'blind_review.open',
        objectType: 'sample_check',
        objectId: sampleCheckId,
        personId: check.personId,
      },
      trx,
    );
    return {
      sampleCheckId,
      drawMonth: check.drawMonth,
      application: { ...application, form: application.form as unknown as ApplicationForm },
      registerData: fetches,
      labourAssessments: plans,
    };
  });
}

/**
 * Records the blind reviewer's own decision and only then reveals how it compares: agreement
 * means the same outcome and the same amount to the krona.
 */
export async function recordBlindReview(
  ctx: Ctx,
  sampleCheckId: string,
  input: {
    outcome: 'approved' | 'partially_approved' | 'rejected';
    amountOre: number;
    note?: string | undefined;
  },
) {
  const reviewer = staffUsername(ctx);
  if ((input.outcome === 'rejected') !== (input.amountOre === 0))
    throw new DomainError(
      'validation_failed',
      'Ett avslag har beloppet 0 kr och ett bifall ett belopp över 0 kr.',
      {
        issues: [{ path: 'amountOre', message: 'Beloppet stämmer inte med utfallet' }],
      },
    );
  return ctx.db.transaction().execute(async (trx) => {
    const check = await findCheck(trx, ctx, sampleCheckId);
    if (check.kind !== 'blind_review')
      throw new DomainError('invalid_state', 'Detta är inte en blindgranskning.');
    if (check.status !== 'open') throw new DomainError('invalid_state', 'Blindgranskningen är redan gjord.');
    if (check.assignedTo !== reviewer)
      throw new DomainError('invalid_state', 'Öppna blindgranskningen innan du registrerar ditt beslut.');
    const t = tenant(trx, ctx.tenant.schema);
    const decision = await t
      .selectFrom('decisions')
      .select(['outcome', 'amountOre', 'decidedByKind', 'decidedByName', 'delegationReference'])
      .where('applicationId', '=', check.applicationId)
      .executeTakeFirstOrThrow();
    const agrees = decision.outcome === input.outcome && decision.amountOre === input.amountOre;
    await t
      .updateTable('sampleChecks')
      .set({
        status: 'completed',
        blindOutcome: input.outcome,
        blindAmountOre: input.amountOre,
        agreesWithDecision: agrees,
        note: input.note ?? null,
        recordedBy: reviewer,
        recordedAt: ctx.now(),
      })
      .where('sampleCheckId', '=', sampleCheckId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    await t
      .insertInto('caseEvents')
      .values({
        applicationId: check.applicationId,
        kind: 'blind_review.recorded',
        actor: reviewer,
        detail: JSON.stringify({ agrees, outcome: input.outcome, amountOre: input.amountOre }),
      })
      .execute();
    await recordAudit(
      ctx,
      {
        action: 'blind_review.record',
        objectType: 'sample_check',
        objectId: sampleCheckId,
        personId: check.personId,
        detail: { agrees },
      },
      trx,
    );
    return {
      sampleCheckId,
      agreesWithDecision: agrees,
      differenceOre: input.amountOre - decision.amountOre,
      reviewer: { outcome: input.outcome, amountOre: input.amountOre },
      decision: {
        outcome: decision.outcome,
        amountOre: decision.amountOre,
        decidedByKind: decision.decidedByKind,
        decidedByName: decision.decidedByName,
        delegationReference: decision.delegationReference,
      },
    };
  });
}

/**
 * The cases the calling caseworker is blind-reviewing right now: lists that show decisions
 * (decision list, delegated decisions, daily summary) leave them out for that caseworker.
 */
export async function ownOpenBlindReviews(
  ctx: Ctx,
): Promise<{ applicationIds: ReadonlySet<string>; caseNumbers: ReadonlySet<string> }> {
  if (ctx.actor.kind !== 'staff') return { applicationIds: new Set(), caseNumbers: new Set() };
  const rows = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('sampleChecks')
    .innerJoin('applications', 'applications.applicationId', 'sampleChecks.applicationId')
    .select(['sampleChecks.applicationId', 'applications.caseNumber'])
    .where('sampleChecks.kind', '=', 'blind_review')
    .where('sampleChecks.status', '=', 'open')
    .where('sampleChecks.assignedTo', '=', ctx.actor.username)
    .execute();
  return {
    applicationIds: new Set(rows.map((r) => r.applicationId)),
    caseNumbers: new Set(rows.map((r) => r.caseNumber)),
  };
}

/**
 * Refuses the ordinary case view to a caseworker with an open blind review of that case: seeing
 * the robot's result first would make the review worthless.
 */
export async function assertNotBlindReviewer(ctx: Ctx, applicationId: string): Promise<void> {
  if (ctx.actor.kind !== 'staff') return;
  const pending = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('sampleChecks')
    .select('sampleCheckId')
    .where('applicationId', '=', applicationId)
    .where('kind', '=', 'blind_review')
    .where('status', '=', 'open')
    .where('assignedTo', '=', ctx.actor.username)
    .executeTakeFirst();
  if (pending)
    throw new DomainError(
      'forbidden',
      'Du blindgranskar detta ärende. Registrera ditt eget beslut innan du öppnar ärendet.',
      { sampleCheckId: pending.sampleCheckId },
    );
}

/**
 * Per drawn month: the draw, the document checks by outcome and the blind reviews' agreement
 * rate (completed reviews that agreed ÷ completed reviews) and mean absolute difference.
 */
export async function sampleCheckReport(ctx: Ctx, range: { from?: string; to?: string }) {
  const t = tenant(ctx.db, ctx.tenant.schema);
  let draws = t.selectFrom('sampleDraws').selectAll().orderBy('drawMonth');
  if (range.from) draws = draws.where('drawMonth', '>=', range.from);
  if (range.to) draws = draws.where('drawMonth', '<=', range.to);
  const rows = await draws.execute();
  if (rows.length === 0) return [];
  const checks = await t
    .selectFrom('sampleChecks')
    .innerJoin('decisions', 'decisions.applicationId', 'sampleChecks.applicationId')
    .select([
      'sampleChecks.drawMonth',
      'sampleChecks.kind',
      'sampleChecks.status',
      'sampleChecks.outcome',
      'sampleChecks.agreesWithDecision',
      'sampleChecks.blindAmountOre',
      'decisions.amountOre',
    ])
    .where(
      'sampleChecks.drawMonth',
      'in',
      rows.map((r) => r.drawMonth),
    )
    .execute();
  return rows.map((draw) => {
    const mine = checks.filter((c) => c.drawMonth === draw.drawMonth);
    const docs = mine.filter((c) => c.kind === 'documents');
    const blind = mine.filter((c) => c.kind === 'blind_review');
    const blindDone = blind.filter((c) => c.status === 'completed');
    const agreed = blindDone.filter((c) => c.agreesWithDecision === true).length;
    const count = (outcome: SampleCheckOutcome) => docs.filter((c) => c.outcome === outcome).length;
    return {
      ...summaryOf(draw, false),
      documents: {
        drawn: docs.length,
        open: docs.filter((c) => c.status === 'open').length,
        noDeviation: count('no_deviation'),
        deviation: count('deviation'),
        notSubmitted: count('not_submitted'),
      },
      blindReviews: {
        drawn: blind.length,
        completed: blindDone.length,
        agreed,
        agreementRate: blindDone.length === 0 ? null : agreed / blindDone.length,
        meanAbsoluteDifferenceOre:
          blindDone.length === 0
            ? null
            : Math.round(
                blindDone.reduce((s, c) => s + Math.abs((c.blindAmountOre ?? 0) - c.amountOre), 0) /
                  blindDone.length,
              ),
      },
    };
  });
}
