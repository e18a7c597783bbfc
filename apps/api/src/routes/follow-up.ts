import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  computeHostStatistics,
  exportOwnData,
  getRetentionPolicy,
  getTenantStatistics,
  hostStatisticsCsv,
  listDecisions,
  listDisposalRuns,
  listPopulation,
  recordAssistanceExit,
  recordSelfSupportObstacle,
  runDisposal,
  SOCIALSTYRELSEN_VARIABLES,
  setPopulation,
  setRetentionPolicy,
  socialstyrelsenCsv,
  socialstyrelsenExport,
  tenantStatisticsCsv,
} from '@samverkan/core';
import type { RootDb } from '@samverkan/db';
import { addDays, DomainError, stockholmStartOfDay } from '@samverkan/domain';
import type { FastifyReply } from 'fastify';
import { type RequestCtx, route, tenantCtx } from '../routing.ts';

const csv = (reply: FastifyReply, filename: string, body: string) => {
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
  return body;
};

const staffActor = (rc: RequestCtx) => {
  if (rc.actor?.kind !== 'staff') throw new Error('staff guard without a staff actor');
  return rc.actor;
};

/** Keyset cursor of the decision list: "<decidedAt ISO>_<decisionId>". */
function parseBefore(before: string | undefined) {
  if (!before) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/.exec(before);
  const at = m ? new Date(m[1] as string) : null;
  if (!m || !at || Number.isNaN(at.getTime())) {
    throw new DomainError('validation_failed', 'Ogiltig sidmarkör (before).');
  }
  return { decidedAt: at, decisionId: m[2] as string };
}

export const followUpRoutes = (deps: { db: RootDb; now: () => Date }) => ({
  getStatistics: route('getStatistics', {
    guard: { action: 'statistics.read' },
    handler: async ({ query }, rc) => getTenantStatistics(tenantCtx(rc), query),
  }),
  getStatisticsCsv: route('getStatisticsCsv', {
    guard: { action: 'statistics.read' },
    handler: async ({ query, reply }, rc) => {
      const ctx = tenantCtx(rc);
      const stats = await getTenantStatistics(ctx, query);
      return csv(
        reply,
        `statistik-${ctx.tenant.code}-${stats.from}-${stats.to}.csv`,
        tenantStatisticsCsv(stats),
      );
    },
  }),
  getHostStatistics: route('getHostStatistics', {
    guard: 'staff',
    handler: async ({ query, request }, rc) =>
      computeHostStatistics(deps.db, staffActor(rc), deps.now(), {
        from: query.from,
        to: query.to,
        ...(query.kommunkod ? { municipalityCodes: [query.kommunkod] } : {}),
        requestId: request.id,
      }),
  }),
  getHostStatisticsCsv: route('getHostStatisticsCsv', {
    guard: 'staff',
    handler: async ({ query, request, reply }, rc) => {
      const host = await computeHostStatistics(deps.db, staffActor(rc), deps.now(), {
        from: query.from,
        to: query.to,
        ...(query.kommunkod ? { municipalityCodes: [query.kommunkod] } : {}),
        requestId: request.id,
      });
      return csv(reply, `statistik-${host.from}-${host.to}.csv`, hostStatisticsCsv(host));
    },
  }),
  listPopulation: route('listPopulation', {
    guard: { action: 'statistics.read' },
    handler: async (_input, rc) => ({
      items: (await listPopulation(tenantCtx(rc))).map((p) => ({ ...p, setAt: p.setAt.toISOString() })),
    }),
  }),
  setPopulation: route('setPopulation', {
    guard: { action: 'statistics.write' },
    handler: async ({ params, body }, rc) => {
      const row = await setPopulation(tenantCtx(rc), params.year, body.residents, body.source ?? null);
      return { ...row, setAt: row.setAt.toISOString() };
    },
  }),
  listDecisions: route('listDecisions', {
    guard: { action: 'cases.read' },
    handler: async ({ query }, rc) => {
      const limit = query.limit ?? 100;
      const before = parseBefore(query.before);
      const items = await listDecisions(tenantCtx(rc), {
        ...(query.decidedByKind ? { decidedByKind: query.decidedByKind } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.delegationReference ? { delegationReference: query.delegationReference } : {}),
        ...(query.decidedBy ? { decidedBy: query.decidedBy } : {}),
        ...(query.fromMonth ? { fromMonth: query.fromMonth } : {}),
        ...(query.toMonth ? { toMonth: query.toMonth } : {}),
        ...(query.decidedFrom ? { decidedFrom: stockholmStartOfDay(query.decidedFrom) } : {}),
        ...(query.decidedTo ? { decidedTo: stockholmStartOfDay(addDays(query.decidedTo, 1)) } : {}),
        ...(before ? { before } : {}),
        limit,
      });
      const last = items.at(-1);
      return {
        items: items.map((d) => ({ ...d, decidedAt: d.decidedAt.toISOString() })),
        nextBefore:
          items.length === limit && last ? `${last.decidedAt.toISOString()}_${last.decisionId}` : null,
      };
    },
  }),
  exportMunicipalityData: route('exportMunicipalityData', {
    guard: { action: 'tenant.export' },
    handler: async ({ reply }, rc) => {
      const ctx = tenantCtx(rc);
      const { file } = await exportOwnData(ctx);
      const stream = createReadStream(file);
      // The file holds personal data: it goes as soon as the download ends or fails.
      stream.on('close', () => void rm(file, { force: true }));
      reply
        .type('application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="export-${ctx.tenant.code}-${ctx.now().toISOString().slice(0, 10)}.ndjson"`,
        );
      return reply.send(stream);
    },
  }),
  getSocialstyrelsenReport: route('getSocialstyrelsenReport', {
    guard: { action: 'reporting.export' },
    handler: async ({ query }, rc) => {
      const ctx = tenantCtx(rc);
      const rows = await socialstyrelsenExport(ctx, query.month);
      return { kommunkod: ctx.tenant.code, month: query.month, variables: SOCIALSTYRELSEN_VARIABLES, rows };
    },
  }),
  getSocialstyrelsenReportCsv: route('getSocialstyrelsenReportCsv', {
    guard: { action: 'reporting.export' },
    handler: async ({ query, reply }, rc) => {
      const ctx = tenantCtx(rc);
      const rows = await socialstyrelsenExport(ctx, query.month);
      return csv(reply, `socialstyrelsen-${ctx.tenant.code}-${query.month}.csv`, socialstyrelsenCsv(rows));
    },
  }),
  recordSelfSupportObstacle: route('recordSelfSupportObstacle', {
    guard: { action: 'cases.write' },
    handler: async ({ body, reply }, rc) => {
      const row = await recordSelfSupportObstacle(tenantCtx(rc), body);
      reply.code(201);
      return row;
    },
  }),
  recordAssistanceExit: route('recordAssistanceExit', {
    guard: { action: 'labour.write' },
    handler: async ({ body, reply }, rc) => {
      const row = await recordAssistanceExit(tenantCtx(rc), body);
      reply.code(201);
      return row;
    },
  }),
  getRetentionPolicy: route('getRetentionPolicy', {
    guard: { action: 'records.dispose' },
    handler: async (_input, rc) => getRetentionPolicy(tenantCtx(rc)),
  }),
  setRetentionPolicy: route('setRetentionPolicy', {
    guard: { action: 'records.dispose' },
    handler: async ({ body }, rc) => setRetentionPolicy(tenantCtx(rc), body),
  }),
  runDisposal: route('runDisposal', {
    guard: { action: 'records.dispose' },
    handler: async ({ body }, rc) =>
      runDisposal(tenantCtx(rc), { dryRun: body.dryRun, ...(body.asOf ? { asOf: body.asOf } : {}) }),
  }),
  listDisposalRuns: route('listDisposalRuns', {
    guard: { action: 'records.dispose' },
    handler: async (_input, rc) => ({
      items: (await listDisposalRuns(tenantCtx(rc))).map((r) => ({
        ...r,
        tableCounts: r.tableCounts as Record<string, number>,
        executedAt: r.executedAt.toISOString(),
      })),
    }),
  }),
});
