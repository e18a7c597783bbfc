import {
  addJournalNote,
  createPaymentFile,
  dailySummary,
  decideManually,
  getCase,
  getPaymentFile,
  listDelegatedDecisions,
  listOpenProposals,
  listWorkQueue,
  ownOpenBlindReviews,
  requestCompletion,
  signProposals,
  storedDailySummary,
  withdrawApplication,
} from '@samverkan/core';
import type { RootDb } from '@samverkan/db';
import { DomainError, previousWorkingDay, stockholmDate } from '@samverkan/domain';
import { route, tenantCtx } from '../routing.ts';
import { decisionBody, letterPdf, linesBody } from './applications.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function caseRoutes(deps: { db: RootDb; now: () => Date }) {
  return {
    listWorkQueue: route('listWorkQueue', {
      guard: 'staff',
      handler: async ({ query }, rc) => {
        if (!rc.actor) throw new Error('staff guard without actor');
        const items = await listWorkQueue(deps.db, rc.actor, deps.now(), {
          ...(query.kommunkod ? { municipalityCodes: [query.kommunkod] } : {}),
          ...(query.processing ? { processing: [query.processing] } : {}),
          ...(query.manualReason ? { manualReason: query.manualReason } : {}),
          ...(query.dueBefore ? { dueBefore: new Date(query.dueBefore) } : {}),
          limit: query.limit ?? 100,
        });
        return { items: items.map((i) => ({ ...i, submittedAt: iso(i.submittedAt), dueAt: iso(i.dueAt) })) };
      },
    }),
    getCase: route('getCase', {
      guard: { action: 'cases.read' },
      handler: async ({ params }, rc) => {
        const ctx = tenantCtx(rc);
        const c = await getCase(ctx, params.applicationId);
        const a = c.application;
        const calc = c.assessment?.calculation as { payableOre?: number } | null | undefined;
        return {
          application: {
            kommunkod: ctx.tenant.code,
            municipalityName: ctx.tenant.name,
            applicationId: a.applicationId,
            caseNumber: a.caseNumber,
            month: a.month,
            channel: a.channel,
            status: a.status,
            processing: a.processing,
            manualReasons: a.manualReasons,
            submittedAt: iso(a.submittedAt),
            dueAt: iso(a.dueAt),
            overdue: a.dueAt !== null && a.dueAt < ctx.now() && a.status !== 'completed',
          },
          applicant: { personnummer: a.personnummer, givenName: a.givenName, familyName: a.familyName },
          form: a.form,
          registerFetches: c.fetches.map((f) => ({ ...f, fetchedAt: f.fetchedAt.toISOString() })),
          assessment: c.assessment
            ? {
                outcome: c.assessment.outcome,
                reasons: c.assessment.reasons.map((r) => ({ code: r.code, text: r.text })),
                calculationLines: linesBody(c.assessment.calculation),
                payableOre: calc?.payableOre ?? null,
                normVersion: c.assessment.normVersion,
              }
            : null,
          proposal: c.proposal
            ? {
                proposalId: c.proposal.proposalId,
                status: c.proposal.status,
                decisionType: c.proposal.decisionType,
                amountOre: c.proposal.amountOre,
              }
            : null,
          decision: c.decision ? decisionBody(c.decision) : null,
          payment: c.payment
            ? { amountOre: c.payment.amountOre, paymentDate: c.payment.paymentDate, status: c.payment.status }
            : null,
          events: c.events.map((e) => ({
            kind: e.kind,
            actor: e.actor,
            detail: e.detail,
            occurredAt: e.occurredAt.toISOString(),
          })),
          completionRequests: c.completionRequests.map((r) => ({
            message: r.message,
            dueDate: r.dueDate,
            requestedBy: r.requestedBy,
            requestedAt: r.requestedAt.toISOString(),
            answer: r.answer,
            answeredAt: iso(r.answeredAt),
          })),
          notes: c.notes.map((n) => ({
            noteId: n.noteId,
            author: n.author,
            body: n.body,
            createdAt: n.createdAt.toISOString(),
          })),
        };
      },
    }),
    requestCompletion: route('requestCompletion', {
      guard: { action: 'cases.write' },
      handler: async ({ params, body, reply }, rc) => {
        const result = await requestCompletion(tenantCtx(rc), params.applicationId, body);
        reply.code(201);
        return result;
      },
    }),
    withdrawCase: route('withdrawCase', {
      guard: { action: 'cases.write' },
      handler: async ({ params, body }, rc) =>
        withdrawApplication(tenantCtx(rc), params.applicationId, body.reason),
    }),
    addJournalNote: route('addJournalNote', {
      guard: { action: 'cases.write' },
      handler: async ({ params, body, reply }, rc) => {
        const note = await addJournalNote(tenantCtx(rc), params.applicationId, body.body);
        reply.code(201);
        return {
          noteId: note.noteId,
          author: note.author,
          body: note.body,
          createdAt: note.createdAt.toISOString(),
        };
      },
    }),
    decideCase: route('decideCase', {
      guard: { action: 'cases.decide' },
      handler: async ({ params, body, reply }, rc) => {
        const result = await decideManually(tenantCtx(rc), params.applicationId, {
          ...body,
          adjustments: body.adjustments ?? [],
        });
        reply.code(201);
        return result;
      },
    }),
    getDecisionLetter: route('getDecisionLetter', {
      guard: { action: 'cases.read' },
      handler: async ({ params, reply }, rc) => {
        const c = await getCase(tenantCtx(rc), params.applicationId);
        reply.type('application/pdf').header('content-disposition', 'inline; filename="beslut.pdf"');
        return letterPdf(c.decision);
      },
    }),
    listProposals: route('listProposals', {
      guard: { action: 'cases.decide' },
      handler: async (_i, rc) => ({
        items: (await listOpenProposals(tenantCtx(rc))).map((p) => ({
          ...p,
          decisionType: p.decisionType as 'assistance.approve' | 'assistance.reject',
          createdAt: p.createdAt.toISOString(),
        })),
      }),
    }),
    signProposals: route('signProposals', {
      guard: { action: 'cases.decide' },
      handler: async ({ body }, rc) => {
        const ctx = tenantCtx(rc);
        let ids = body.proposalIds ?? [];
        if (body.allOpen) ids = (await listOpenProposals(ctx)).map((p) => p.proposalId);
        if (ids.length === 0)
          throw new DomainError('validation_failed', 'Ange proposalIds eller allOpen: true.');
        return { results: await signProposals(ctx, ids) };
      },
    }),
    listDelegatedDecisions: route('listDelegatedDecisions', {
      guard: { action: 'cases.read' },
      handler: async ({ query }, rc) => ({
        items: (await listDelegatedDecisions(tenantCtx(rc), query.from, query.to)).map((d) => ({
          ...d,
          decidedAt: d.decidedAt.toISOString(),
        })),
      }),
    }),
    getDailySummary: route('getDailySummary', {
      guard: { action: 'cases.read' },
      handler: async ({ query }, rc) => {
        const ctx = tenantCtx(rc);
        // The summary as the morning job stored it, when it has run; otherwise computed now.
        const reviewedDay = previousWorkingDay(query.date ?? stockholmDate(ctx.now()));
        const s = (await storedDailySummary(ctx, reviewedDay)) ?? (await dailySummary(ctx, query.date));
        // A caseworker never sees the decision of a case they are blind-reviewing.
        const blind = (await ownOpenBlindReviews(ctx)).caseNumbers;
        return {
          ...s,
          robotDecisions: {
            ...s.robotDecisions,
            items: s.robotDecisions.items.filter((i) => !blind.has(i.caseNumber)),
          },
        };
      },
    }),
    createPaymentFile: route('createPaymentFile', {
      guard: { action: 'billing.write' },
      handler: async ({ body, reply }, rc) => {
        const f = await createPaymentFile(tenantCtx(rc), body.paymentDate);
        reply.code(201);
        return { ...f, createdAt: f.createdAt.toISOString() };
      },
    }),
    getPaymentFile: route('getPaymentFile', {
      guard: { action: 'billing.read' },
      handler: async ({ params, reply }, rc) => {
        const f = await getPaymentFile(tenantCtx(rc), params.paymentFileId);
        reply
          .type('application/xml')
          .header('content-disposition', `attachment; filename="${f.messageId}.xml"`);
        return f.content;
      },
    }),
  };
}
