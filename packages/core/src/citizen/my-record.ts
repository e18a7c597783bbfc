import { tenant } from '@samverkan/db';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

/** A citizen reads what the municipality holds on them, and only that. */
export async function getMyRecord(ctx: Ctx) {
  if (ctx.actor.kind !== 'citizen') throw new Error('getMyRecord needs a citizen actor');
  const personnummer = ctx.actor.personnummer;
  const row = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('citizens')
    .selectAll()
    .where('personnummer', '=', personnummer)
    .executeTakeFirst();
  await recordAudit(ctx, {
    action: 'citizen.read_self',
    objectType: 'citizen',
    objectId: row?.personId,
    personId: row?.personId ?? null,
  });
  return row
    ? {
        personnummer,
        registered: true,
        personId: row.personId,
        givenName: row.givenName,
        familyName: row.familyName,
      }
    : { personnummer, registered: false, personId: null, givenName: null, familyName: null };
}
