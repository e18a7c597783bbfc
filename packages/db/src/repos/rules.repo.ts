import type { Insertable } from 'kysely';
import type { PlatformDb, TenantDb } from '../connection.ts';
import type { DelegationRuleRow, DelegationRulesTable } from '../schema.ts';

export function listDelegationRules(db: TenantDb): Promise<DelegationRuleRow[]> {
  return db.selectFrom('delegationRules').selectAll().orderBy('validFrom').orderBy('createdAt').execute();
}

export function insertDelegationRule(
  db: TenantDb,
  row: Insertable<DelegationRulesTable>,
): Promise<DelegationRuleRow> {
  return db.insertInto('delegationRules').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Ends a rule from a date on. Only a rule still open after that date can be ended. */
export function endDelegationRule(
  db: TenantDb,
  ruleId: string,
  validTo: string,
  endedBy: string,
): Promise<DelegationRuleRow | undefined> {
  return db
    .updateTable('delegationRules')
    .set({ validTo, endedBy, endedAt: new Date() })
    .where('ruleId', '=', ruleId)
    .where((eb) => eb.or([eb('validTo', 'is', null), eb('validTo', '>', validTo)]))
    .where('validFrom', '<=', validTo)
    .returningAll()
    .executeTakeFirst();
}

export function listGuidelineVersions(db: TenantDb) {
  return db.selectFrom('guidelineVersions').selectAll().orderBy('effectiveFrom', 'desc').execute();
}

/** The version in force on a date: the latest effective_from on or before it. */
export function findGuidelinesInForce(db: TenantDb, date: string) {
  return db
    .selectFrom('guidelineVersions')
    .selectAll()
    .where('effectiveFrom', '<=', date)
    .orderBy('effectiveFrom', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function insertGuidelineVersion(
  db: TenantDb,
  row: { effectiveFrom: string; body: Record<string, unknown>; createdBy: string },
) {
  return db
    .insertInto('guidelineVersions')
    .values({ ...row, body: JSON.stringify(row.body) })
    .onConflict((oc) => oc.column('effectiveFrom').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function listNationalNorms(db: PlatformDb) {
  return db.selectFrom('nationalNorms').selectAll().orderBy('year').execute();
}

export function findNationalNorm(db: PlatformDb, year: number) {
  return db.selectFrom('nationalNorms').selectAll().where('year', '=', year).executeTakeFirst();
}
