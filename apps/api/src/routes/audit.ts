import { getMyRecord, searchAudit } from '@samverkan/core';
import { route, tenantCtx } from '../routing.ts';

export const auditRoutes = {
  searchAuditLog: route('searchAuditLog', {
    guard: { action: 'audit.read' },
    handler: async ({ query }, rc) => {
      const { items, nextBefore } = await searchAudit(tenantCtx(rc), {
        ...(query.personId ? { personId: query.personId } : {}),
        ...(query.actorId ? { actorId: query.actorId } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
        ...(query.before ? { before: query.before } : {}),
        limit: query.limit ?? 100,
      });
      return {
        items: items.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString(), detail: e.detail })),
        nextBefore,
      };
    },
  }),
  getMyRecord: route('getMyRecord', {
    guard: 'citizen',
    handler: async (_input, rc) => getMyRecord(tenantCtx(rc)),
  }),
};
