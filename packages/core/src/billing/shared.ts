import { type Agreement, platform, type RootDb } from '@samverkan/db';
import { DomainError } from '@samverkan/domain';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

export const actorName = (ctx: Ctx) =>
  ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind === 'robot' ? 'robot' : 'citizen';

/**
 * Billing writes (terms, variable costs, runs, issuing, credit notes) belong to the host's
 * finance staff acting for the tenant under the agreement — never to the tenant itself, even if
 * its own staff have the finance role. Returns the agreement the request acts under.
 */
export async function requireHost(
  ctx: Ctx,
  action: string,
): Promise<{ agreementId: string; hostCode: string }> {
  if (ctx.access.basis === 'agreement') {
    return { agreementId: ctx.access.agreementId, hostCode: ctx.access.hostCode };
  }
  await recordAudit(ctx, { action, outcome: 'refused', detail: { reason: 'not_host' } });
  throw new DomainError(
    'forbidden',
    'Endast värdkommunens ekonomifunktion får göra detta, för en kommun den har avtal med.',
    { reason: 'not_host' },
  );
}

export async function loadAgreement(db: RootDb, agreementId: string, tenantCode: string): Promise<Agreement> {
  const agreement = await platform(db)
    .selectFrom('agreements')
    .selectAll()
    .where('agreementId', '=', agreementId)
    .where('tenantCode', '=', tenantCode)
    .executeTakeFirst();
  if (!agreement) throw new DomainError('not_found', 'Avtalet finns inte för kommunen.');
  return agreement;
}

/** Serialises work on one key within the transaction (released at commit or rollback). */
export async function lockKey(db: RootDb, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

export const pgCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
