import type { TenantDb } from '@samverkan/db';

/** Finds or creates the municipality's record of a person (personnummer is unique per schema). */
export async function ensureCitizen(
  db: TenantDb,
  person: { personnummer: string; givenName: string; familyName: string },
): Promise<{ personId: string; created: boolean }> {
  const inserted = await db
    .insertInto('citizens')
    .values(person)
    .onConflict((oc) => oc.column('personnummer').doNothing())
    .returning('personId')
    .executeTakeFirst();
  if (inserted) return { personId: inserted.personId, created: true };
  const existing = await db
    .selectFrom('citizens')
    .select('personId')
    .where('personnummer', '=', person.personnummer)
    .executeTakeFirstOrThrow();
  return { personId: existing.personId, created: false };
}

export function findCitizen(db: TenantDb, personnummer: string) {
  return db.selectFrom('citizens').selectAll().where('personnummer', '=', personnummer).executeTakeFirst();
}
