import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ExitReason,
  type ExportResult,
  exportTenant,
  type SelfSupportObstacle,
  tenant,
} from '@samverkan/db';
import { DomainError, parsePersonnummer } from '@samverkan/domain';
import { CompiledQuery } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';
import { ownOpenBlindReviews } from '../sample-checks/sample-checks.ts';
import { computeTenantStatistics, type TenantStatistics } from './compute.ts';

const who = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind);

/** The municipality's statistics from its own schema (aggregates only, so not an audited read). */
export function getTenantStatistics(
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<TenantStatistics> {
  return computeTenantStatistics(
    ctx.db,
    { code: ctx.tenant.code, name: ctx.tenant.name, schema: ctx.tenant.schema },
    range,
    ctx.now(),
  );
}

// ------------------------------------------------------------------ population

export function listPopulation(ctx: Ctx) {
  return tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('populationYears')
    .selectAll()
    .orderBy('year')
    .execute();
}

/** Folkmängd for a year, set (or corrected) by the municipality's own staff; audited. */
export async function setPopulation(ctx: Ctx, year: number, residents: number, source: string | null) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await tenant(trx, ctx.tenant.schema)
      .insertInto('populationYears')
      .values({ year, residents, source, setBy: who(ctx), setAt: ctx.now() })
      .onConflict((oc) =>
        oc.column('year').doUpdateSet({ residents, source, setBy: who(ctx), setAt: ctx.now() }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      {
        action: 'population.set',
        objectType: 'population_year',
        objectId: String(year),
        detail: { residents },
      },
      trx,
    );
    return row;
  });
}

// ------------------------------------------------------------------ decisions list

export interface DecisionFilter {
  decidedByKind?: 'robot' | 'person';
  outcome?: 'approved' | 'partially_approved' | 'rejected';
  delegationReference?: string;
  decidedBy?: string;
  fromMonth?: string;
  toMonth?: string;
  decidedFrom?: Date;
  decidedTo?: Date;
  /** Keyset paging: decisions decided before this one (by decided_at, decision_id). */
  before?: { decidedAt: Date; decisionId: string };
  limit: number;
}

/**
 * The huvudman's list of its decisions (who or what decided, under which delegation rule) for
 * follow-up. Case numbers only — opening a case is the separate, audited case read. The listing
 * itself is audited too, with its filter.
 */
export async function listDecisions(ctx: Ctx, f: DecisionFilter) {
  let q = tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('decisions')
    .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
    .select([
      'decisions.decisionId',
      'decisions.applicationId',
      'applications.caseNumber',
      'applications.channel',
      'decisions.month',
      'decisions.outcome',
      'decisions.amountOre',
      'decisions.decidedByKind',
      'decisions.decidedBy',
      'decisions.decidedByName',
      'decisions.decidedByEmployer',
      'decisions.delegationRuleId',
      'decisions.delegationReference',
      'decisions.agreementId',
      'decisions.decidedAt',
    ]);
  if (f.decidedByKind) q = q.where('decisions.decidedByKind', '=', f.decidedByKind);
  if (f.outcome) q = q.where('decisions.outcome', '=', f.outcome);
  if (f.delegationReference) q = q.where('decisions.delegationReference', '=', f.delegationReference);
  if (f.decidedBy) q = q.where('decisions.decidedBy', '=', f.decidedBy);
  if (f.fromMonth) q = q.where('decisions.month', '>=', f.fromMonth);
  if (f.toMonth) q = q.where('decisions.month', '<=', f.toMonth);
  if (f.decidedFrom) q = q.where('decisions.decidedAt', '>=', f.decidedFrom);
  if (f.decidedTo) q = q.where('decisions.decidedAt', '<', f.decidedTo);
  const before = f.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('decisions.decidedAt', '<', before.decidedAt),
        eb.and([
          eb('decisions.decidedAt', '=', before.decidedAt),
          eb('decisions.decisionId', '<', before.decisionId),
        ]),
      ]),
    );
  }
  // A caseworker never sees the decision of a case they are blind-reviewing.
  const blind = [...(await ownOpenBlindReviews(ctx)).applicationIds];
  if (blind.length > 0) q = q.where('decisions.applicationId', 'not in', blind);
  const items = await q
    .orderBy('decisions.decidedAt', 'desc')
    .orderBy('decisions.decisionId', 'desc')
    .limit(f.limit)
    .execute();
  const { before: _b, ...filter } = f;
  await recordAudit(ctx, { action: 'decisions.list', detail: { ...filter, count: items.length } });
  return items;
}

// ------------------------------------------------------------------ obstacles and exits

async function personIdFor(ctx: Ctx, personnummer: string, db = ctx.db): Promise<string> {
  const value = parsePersonnummer(personnummer, ctx.now()).value;
  const row = await tenant(db, ctx.tenant.schema)
    .selectFrom('citizens')
    .select('personId')
    .where('personnummer', '=', value)
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'Personen har inget ärende i kommunen.');
  return row.personId;
}

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

/** Försörjningshinder from a date on (never before today's month: reports already sent stay as they were). */
export async function recordSelfSupportObstacle(
  ctx: Ctx,
  input: { personnummer: string; validFrom: string; obstacle: SelfSupportObstacle },
) {
  const firstOfMonth = `${stockholmToday(ctx.now()).slice(0, 7)}-01`;
  if (input.validFrom < firstOfMonth) {
    throw new DomainError('validation_failed', 'Försörjningshinder kan inte registreras retroaktivt.', {
      issues: [{ path: 'validFrom', message: `Giltig från måste vara ${firstOfMonth} eller senare.` }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const personId = await personIdFor(ctx, input.personnummer, trx);
    const row = await tenant(trx, ctx.tenant.schema)
      .insertInto('selfSupportObstacles')
      .values({ personId, validFrom: input.validFrom, obstacle: input.obstacle, recordedBy: who(ctx) })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        if (isUniqueViolation(e))
          throw new DomainError('conflict', 'Det finns redan ett försörjningshinder från det datumet.');
        throw e;
      });
    await recordAudit(
      ctx,
      {
        action: 'obstacle.record',
        objectType: 'self_support_obstacle',
        objectId: row.obstacleId,
        personId,
        detail: { validFrom: row.validFrom, obstacle: row.obstacle },
      },
      trx,
    );
    return row;
  });
}

/** Avslut: the person left assistance in a month, and why (one per person and month). */
export async function recordAssistanceExit(
  ctx: Ctx,
  input: { personnummer: string; exitMonth: string; reason: ExitReason },
) {
  if (input.exitMonth > stockholmToday(ctx.now()).slice(0, 7)) {
    throw new DomainError('validation_failed', 'Ett avslut kan inte registreras för en kommande månad.', {
      issues: [{ path: 'exitMonth', message: 'Månaden har inte börjat.' }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const personId = await personIdFor(ctx, input.personnummer, trx);
    const row = await tenant(trx, ctx.tenant.schema)
      .insertInto('assistanceExits')
      .values({ personId, exitMonth: input.exitMonth, reason: input.reason, recordedBy: who(ctx) })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        if (isUniqueViolation(e))
          throw new DomainError('conflict', 'Personen har redan ett avslut registrerat för månaden.');
        throw e;
      });
    await recordAudit(
      ctx,
      {
        action: 'exit.record',
        objectType: 'assistance_exit',
        objectId: row.exitId,
        personId,
        detail: { exitMonth: row.exitMonth, reason: row.reason },
      },
      trx,
    );
    return row;
  });
}

// ------------------------------------------------------------------ the huvudman's own export

/**
 * The whole schema as the tenant export (NDJSON, packages/db export-import), written to a private
 * temporary file that the caller streams and then removes. Runs on one pooled connection of the
 * application role (which may read, never write, everything in the schema). The export is audited
 * before it starts, so even an aborted download is on record.
 */
export async function exportOwnData(ctx: Ctx): Promise<{ file: string; result: ExportResult }> {
  await recordAudit(ctx, { action: 'tenant.export', objectType: 'municipality', objectId: ctx.tenant.code });
  const file = join(tmpdir(), `samverkan-export-${ctx.tenant.code}-${randomUUID()}.ndjson`);
  try {
    // Created private first: the export opens it for writing and keeps its mode.
    await writeFile(file, '', { mode: 0o600, flag: 'wx' });
    const result = await ctx.db
      .withoutPlugins()
      .connection()
      .execute(async (conn) => {
        // exportTenant speaks pg's client interface; this adapter runs its statements on the one
        // pinned connection, so its snapshot transaction holds.
        const client = {
          query: async (text: string, params: unknown[] = []) => {
            const r = await conn.executeQuery(CompiledQuery.raw(text, params));
            return { rows: r.rows, rowCount: Number(r.numAffectedRows ?? r.rows.length) };
          },
        } as unknown as Parameters<typeof exportTenant>[0];
        return exportTenant(client, ctx.tenant.code, file);
      });
    return { file, result };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
