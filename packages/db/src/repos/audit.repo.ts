import type { Insertable } from 'kysely';
import type { PlatformDb, TenantDb } from '../connection.ts';
import type { AuditEntry, NewAuditEntry, PlatformAuditLogTable } from '../schema.ts';

export async function insertAuditEntries(db: TenantDb, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('auditLog').values(entries).execute();
}

export async function insertPlatformAudit(
  db: PlatformDb,
  entry: Insertable<PlatformAuditLogTable>,
): Promise<void> {
  await db.insertInto('auditLog').values(entry).execute();
}

export interface AuditQuery {
  personId?: string;
  actorId?: string;
  action?: string;
  outcome?: 'allowed' | 'refused';
  from?: Date;
  to?: Date;
  /** keyset pagination: entries older than this id */
  before?: number;
  limit: number;
}

export function searchAuditLog(db: TenantDb, query: AuditQuery): Promise<AuditEntry[]> {
  let qb = db.selectFrom('auditLog').selectAll();
  if (query.personId) qb = qb.where('personId', '=', query.personId);
  if (query.actorId) qb = qb.where('actorId', '=', query.actorId);
  if (query.action) qb = qb.where('action', '=', query.action);
  if (query.outcome) qb = qb.where('outcome', '=', query.outcome);
  if (query.from) qb = qb.where('occurredAt', '>=', query.from);
  if (query.to) qb = qb.where('occurredAt', '<', query.to);
  if (query.before) qb = qb.where('auditId', '<', query.before);
  return qb.orderBy('auditId', 'desc').limit(query.limit).execute();
}
