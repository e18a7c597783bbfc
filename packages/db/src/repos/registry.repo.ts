import type { PlatformDb } from '../connection.ts';
import type { Agreement, Municipality, Staff } from '../schema.ts';

export function findMunicipality(db: PlatformDb, code: string): Promise<Municipality | undefined> {
  return db.selectFrom('municipalities').selectAll().where('municipalityCode', '=', code).executeTakeFirst();
}

export function listMunicipalities(db: PlatformDb): Promise<Municipality[]> {
  return db.selectFrom('municipalities').selectAll().orderBy('municipalityCode').execute();
}

/** Agreements that concern a municipality as host or tenant (the caller filters by date). */
export function listAgreementsFor(db: PlatformDb, code: string): Promise<Agreement[]> {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where((eb) => eb.or([eb('hostCode', '=', code), eb('tenantCode', '=', code)]))
    .orderBy('validFrom')
    .execute();
}

export function listAgreements(db: PlatformDb): Promise<Agreement[]> {
  return db.selectFrom('agreements').selectAll().orderBy('tenantCode').orderBy('validFrom').execute();
}

export function findActiveStaff(db: PlatformDb, username: string): Promise<Staff | undefined> {
  return db
    .selectFrom('staff')
    .selectAll()
    .where('username', '=', username)
    .where('active', '=', true)
    .executeTakeFirst();
}

export function listStaff(db: PlatformDb): Promise<Staff[]> {
  return db.selectFrom('staff').selectAll().orderBy('username').execute();
}
