import {
  drawSamples,
  listSampleChecks,
  openBlindReview,
  recordBlindReview,
  recordDocumentCheck,
  sampleCheckReport,
} from '@samverkan/core';
import { route, tenantCtx } from '../routing.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const sampleCheckRoutes = {
  drawSamples: route('drawSamples', {
    guard: { action: 'cases.decide' },
    handler: async ({ body }, rc) => drawSamples(tenantCtx(rc), body?.month),
  }),
  getSampleCheckReport: route('getSampleCheckReport', {
    guard: { action: 'cases.read' },
    handler: async ({ query }, rc) => ({
      items: await sampleCheckReport(tenantCtx(rc), {
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      }),
    }),
  }),
  listSampleChecks: route('listSampleChecks', {
    guard: { action: 'cases.read' },
    handler: async ({ query }, rc) => ({
      items: (
        await listSampleChecks(tenantCtx(rc), {
          ...(query.month ? { month: query.month } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.status ? { status: query.status } : {}),
        })
      ).map((c) => ({ ...c, recordedAt: iso(c.recordedAt) })),
    }),
  }),
  recordDocumentCheck: route('recordDocumentCheck', {
    guard: { action: 'cases.write' },
    handler: async ({ params, body }, rc) => {
      const item = await recordDocumentCheck(tenantCtx(rc), params.sampleCheckId, {
        outcome: body.outcome,
        note: body.note,
      });
      return { ...item, recordedAt: iso(item.recordedAt) };
    },
  }),
  openBlindReview: route('openBlindReview', {
    guard: { action: 'cases.decide' },
    handler: async ({ params }, rc) => {
      const review = await openBlindReview(tenantCtx(rc), params.sampleCheckId);
      return {
        ...review,
        application: { ...review.application, submittedAt: iso(review.application.submittedAt) },
        registerData: review.registerData.map((f) => ({ ...f, fetchedAt: f.fetchedAt.toISOString() })),
      };
    },
  }),
  recordBlindReview: route('recordBlindReview', {
    guard: { action: 'cases.decide' },
    handler: async ({ params, body }, rc) => recordBlindReview(tenantCtx(rc), params.sampleCheckId, body),
  }),
};
