import { type AuditQuery, searchAuditLog, tenant } from '@samverkan/db';
import type { Ctx } from '../context.ts';
import { recordAudit } from './record-audit.ts';

/** Reading the audit log is itself audited (it reveals who looked at whom). */
export async function searchAudit(ctx: Ctx, query: AuditQuery) {
  const items = await searchAuditLog(tenant(ctx.db, ctx.tenant.schema), query);
  await recordAudit(ctx, { action: 'audit.search', detail: { ...query } });
  const last = items.at(-1);
  return { items, nextBefore: items.length === query.limit && last ? last.auditId : null };
}
