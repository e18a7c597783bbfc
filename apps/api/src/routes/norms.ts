import { createGuidelineVersion, listGuidelines, listRiksnorm } from '@samverkan/core';
import { route, tenantCtx } from '../routing.ts';

type VersionRow = {
  versionId: string;
  effectiveFrom: string;
  body: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
};
const versionBody = (v: VersionRow) => ({
  versionId: v.versionId,
  effectiveFrom: v.effectiveFrom,
  guidelines: v.body,
  createdBy: v.createdBy,
  createdAt: v.createdAt.toISOString(),
});

export const normRoutes = {
  listNationalNorms: route('listNationalNorms', {
    guard: { action: 'norms.read' },
    handler: async (_input, rc) => ({
      items: (await listRiksnorm(tenantCtx(rc))).map((n) => ({
        year: n.year,
        effectiveFrom: n.effectiveFrom,
        legalReference: n.legalReference,
        body: n.body,
      })),
    }),
  }),
  listGuidelines: route('listGuidelines', {
    guard: { action: 'norms.read' },
    handler: async (_input, rc) => {
      const { items, inForce } = await listGuidelines(tenantCtx(rc));
      return { items: items.map(versionBody), inForce: inForce ? versionBody(inForce) : null };
    },
  }),
  createGuidelineVersion: route('createGuidelineVersion', {
    guard: { action: 'norms.write' },
    handler: async ({ body, reply }, rc) => {
      const created = await createGuidelineVersion(tenantCtx(rc), body.guidelines);
      reply.code(201);
      return versionBody(created);
    },
  }),
};
