import {
  answerCompletion,
  createSlots,
  getMyApplication,
  listFreeSlots,
  listMyApplications,
  listMyNotifications,
  recordLabourAssessment,
  saveDraft,
  submitApplication,
  withdrawApplication,
} from '@samverkan/core';
import type { Application, Decision } from '@samverkan/db';
import { type DecisionLetter, renderDecisionLetterPdf } from '@samverkan/documents';
import { DomainError } from '@samverkan/domain';
import type { RegisterGateway } from '@samverkan/registers';
import { route, tenantCtx } from '../routing.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const summaryBody = (
  a: Pick<
    Application,
    'applicationId' | 'caseNumber' | 'month' | 'status' | 'channel' | 'submittedAt' | 'dueAt'
  >,
  d?: { outcome: string | null; amountOre: number | null },
) => ({
  applicationId: a.applicationId,
  caseNumber: a.caseNumber,
  month: a.month,
  status: a.status,
  channel: a.channel,
  submittedAt: iso(a.submittedAt),
  dueAt: iso(a.dueAt),
  outcome: d?.outcome ?? null,
  amountOre: d?.amountOre ?? null,
});

type Line = { code?: string; label: string; amountOre: number; legalReference?: string };
/** Calculation lines as the contract shows them (ids of household members stay internal). */
export const linesBody = (calculation: unknown) =>
  (((calculation as { lines?: Line[] } | null)?.lines ?? []) as Line[]).map((l) => ({
    code: l.code ?? '',
    label: l.label,
    amountOre: l.amountOre,
    legalReference: l.legalReference ?? '',
  }));

export const decisionBody = (d: Decision) => ({
  decisionId: d.decisionId,
  outcome: d.outcome,
  amountOre: d.amountOre,
  month: d.month,
  reasons: d.reasons,
  legalBasis: d.legalBasis,
  decidedByKind: d.decidedByKind,
  decidedByName: d.decidedByName,
  delegationReference: d.delegationReference,
  committeeName: d.committeeName,
  normVersion: d.normVersion,
  calculationLines: linesBody(d.calculation),
  decidedAt: d.decidedAt.toISOString(),
});

export async function letterPdf(decision: Decision | null): Promise<Buffer> {
  if (!decision) throw new DomainError('not_found', 'Beslut finns inte ännu.');
  return renderDecisionLetterPdf(decision.letter as unknown as DecisionLetter);
}

export function applicationRoutes(deps: { registers: RegisterGateway | null }) {
  return {
    listIntakeSlots: route('listIntakeSlots', {
      guard: { action: 'cases.read', citizensToo: true },
      handler: async (_i, rc) => ({
        items: (await listFreeSlots(tenantCtx(rc))).map((s) => ({
          ...s,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
        })),
      }),
    }),
    createIntakeSlots: route('createIntakeSlots', {
      guard: { action: 'labour.write' },
      handler: async ({ body, reply }, rc) => {
        const rows = await createSlots(tenantCtx(rc), body.slots);
        reply.code(201);
        return {
          items: rows.map((s) => ({
            slotId: s.slotId,
            place: s.place,
            locationName: s.locationName,
            startsAt: s.startsAt.toISOString(),
            endsAt: s.endsAt.toISOString(),
          })),
        };
      },
    }),
    recordLabourAssessment: route('recordLabourAssessment', {
      guard: { action: 'labour.write' },
      handler: async ({ body, reply }, rc) => {
        const row = await recordLabourAssessment(tenantCtx(rc), body);
        reply.code(201);
        return {
          labourAssessmentId: row.labourAssessmentId,
          availableForWork: row.availableForWork,
          planFrom: row.planFrom,
          planTo: row.planTo,
        };
      },
    }),
    submitApplication: route('submitApplication', {
      guard: 'citizen',
      handler: async ({ body, reply }, rc) => {
        const ctx = tenantCtx(rc);
        if (ctx.actor.kind !== 'citizen') throw new DomainError('forbidden', 'Endast den sökande.');
        const row = await submitApplication(ctx, deps, {
          personnummer: ctx.actor.personnummer,
          givenName: 'Okänd',
          familyName: 'Okänd',
          form: body.form,
          slotId: body.slotId,
          channel: 'digital',
        });
        reply.code(201);
        return summaryBody(row);
      },
    }),
    saveDraft: route('saveDraft', {
      guard: 'citizen',
      handler: async ({ params, body }, rc) => {
        const ctx = tenantCtx(rc);
        if (ctx.actor.kind !== 'citizen') throw new DomainError('forbidden', 'Endast den sökande.');
        const row = await saveDraft(ctx, {
          personnummer: ctx.actor.personnummer,
          givenName: 'Okänd',
          familyName: 'Okänd',
          month: params.month,
          form: body.form,
        });
        return summaryBody(row);
      },
    }),
    registerPaperApplication: route('registerPaperApplication', {
      guard: { action: 'cases.write' },
      handler: async ({ body, reply }, rc) => {
        const row = await submitApplication(tenantCtx(rc), deps, { ...body, channel: 'paper' });
        reply.code(201);
        return summaryBody(row);
      },
    }),
    listMyApplications: route('listMyApplications', {
      guard: 'citizen',
      handler: async (_i, rc) => ({
        items: (await listMyApplications(tenantCtx(rc))).map((r) =>
          summaryBody(r, { outcome: r.outcome, amountOre: r.amountOre }),
        ),
      }),
    }),
    getMyApplication: route('getMyApplication', {
      guard: 'citizen',
      handler: async ({ params }, rc) => {
        const { application, decision, payment, documentRequests, completionRequests } =
          await getMyApplication(tenantCtx(rc), params.applicationId);
        return {
          application: summaryBody(application, decision ?? undefined),
          decision: decision ? decisionBody(decision) : null,
          payment,
          documentRequests: documentRequests.map((r) => ({
            requestedDocuments: r.requestedDocuments,
            dueDate: r.dueDate,
            status: r.status,
          })),
          completionRequests: completionRequests.map((r) => ({
            message: r.message,
            dueDate: r.dueDate,
            requestedAt: r.requestedAt.toISOString(),
            answer: r.answer,
            answeredAt: r.answeredAt ? r.answeredAt.toISOString() : null,
          })),
        };
      },
    }),
    withdrawMyApplication: route('withdrawMyApplication', {
      guard: 'citizen',
      handler: async ({ params, body }, rc) =>
        withdrawApplication(tenantCtx(rc), params.applicationId, body?.reason),
    }),
    answerCompletionRequest: route('answerCompletionRequest', {
      guard: 'citizen',
      handler: async ({ params, body }, rc) =>
        answerCompletion(tenantCtx(rc), params.applicationId, body.answer),
    }),
    getMyDecisionLetter: route('getMyDecisionLetter', {
      guard: 'citizen',
      handler: async ({ params, reply }, rc) => {
        const { decision } = await getMyApplication(tenantCtx(rc), params.applicationId);
        reply.type('application/pdf').header('content-disposition', 'inline; filename="beslut.pdf"');
        return letterPdf(decision);
      },
    }),
    listMyNotifications: route('listMyNotifications', {
      guard: 'citizen',
      handler: async (_i, rc) => ({
        items: (await listMyNotifications(tenantCtx(rc))).map((n) => ({
          notificationId: n.notificationId,
          applicationId: n.applicationId,
          kind: n.kind,
          title: n.title,
          body: n.body,
          createdAt: n.createdAt.toISOString(),
          readAt: iso(n.readAt),
        })),
      }),
    }),
  };
}
