import {
  insertAuditEntries,
  insertGroupsFromJson,
  insertPlatformAudit,
  platform,
  type RootDb,
  tenant,
} from '@samverkan/db';
import { type Actor, actorId } from '@samverkan/domain';
import type { RawBuilder } from 'kysely';
import type { Ctx, CtxAccess } from '../context.ts';

export interface AuditEvent {
  action: string;
  outcome?: 'allowed' | 'refused';
  objectType?: string;
  objectId?: string;
  personId?: string | null;
  delegationRuleId?: string | null;
  detail?: Record<string, unknown>;
}

function accessColumns(access: CtxAccess | undefined) {
  if (!access) return { accessBasis: null, agreementId: null };
  return {
    accessBasis: access.basis,
    agreementId: access.basis === 'agreement' ? access.agreementId : null,
  };
}

export function auditRow(
  actor: Actor,
  actingForCode: string,
  access: CtxAccess | undefined,
  requestId: string,
  event: AuditEvent,
) {
  return {
    actorKind: actor.kind,
    actorId: actorId(actor),
    actorEmployerCode: actor.kind === 'staff' ? actor.employerCode : null,
    actingForCode,
    ...accessColumns(access),
    delegationRuleId: event.delegationRuleId ?? null,
    action: event.action,
    outcome: event.outcome ?? ('allowed' as const),
    objectType: event.objectType ?? null,
    objectId: event.objectId ?? null,
    personId: event.personId ?? null,
    requestId,
    detail: JSON.stringify(event.detail ?? {}),
  };
}

/**
 * Appends to the tenant's own audit log. Pass the transaction (`db`) when the audited change is
 * transactional, so the entry and the change commit or roll back together.
 */
export async function recordAudit(
  ctx: Ctx,
  events: AuditEvent | AuditEvent[],
  db: RootDb = ctx.db,
): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  await insertAuditEntries(
    tenant(db, ctx.tenant.schema),
    list.map((e) => auditRow(ctx.actor, ctx.tenant.code, ctx.access, ctx.requestId, e)),
  );
}

/** Audit entries written only `when` the condition holds (see `auditStep`). */
export interface AuditGroup {
  events: AuditEvent[];
  when?: RawBuilder<unknown> | undefined;
}

/**
 * `recordAudit` as a step of a larger statement (see `insertGroupsFromJson`): one insert, the
 * entries in the order given, each group only if its condition holds.
 */
export function auditStep(ctx: Ctx, groups: readonly AuditGroup[]) {
  return insertGroupsFromJson(
    ctx.tenant.schema,
    'auditLog',
    groups.map((g) => ({ rows: g.events.map((e) => auditJsonRow(ctx, e)), when: g.when })),
  );
}

/** The audit row of `ctx` doing `event`, for a jsonb parameter (`detail` as an object, not text). */
export function auditJsonRow(ctx: Ctx, event: AuditEvent) {
  return {
    ...auditRow(ctx.actor, ctx.tenant.code, ctx.access, ctx.requestId, event),
    detail: event.detail ?? {},
  };
}

/** Refusals where no tenant schema is known (unknown municipality, bad token) go to the platform log. */
export async function recordPlatformRefusal(
  db: RootDb,
  input: {
    actor?: Actor;
    action: string;
    target: string;
    requestId: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await insertPlatformAudit(platform(db), {
    actorKind: input.actor?.kind ?? 'anonymous',
    actorId: input.actor ? actorId(input.actor) : 'anonymous',
    actorEmployerCode: input.actor?.kind === 'staff' ? input.actor.employerCode : null,
    action: input.action,
    outcome: 'refused',
    target: input.target.slice(0, 200),
    requestId: input.requestId,
    detail: JSON.stringify(input.detail ?? {}),
  });
}
