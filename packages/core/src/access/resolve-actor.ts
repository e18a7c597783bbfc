import { findActiveStaff, platform, type RootDb } from '@samverkan/db';
import { type Actor, DomainError, isStaffRole, parsePersonnummer } from '@samverkan/domain';

/** Verified token claims, as the API's auth plugin hands them over. */
export type TokenSubject = { kind: 'staff'; username: string } | { kind: 'citizen'; personnummer: string };

/**
 * Turns a verified token subject into an actor. Staff roles and employer come from the
 * platform's staff registry, not from the token, so a disabled account stops at once.
 */
export async function resolveActor(db: RootDb, subject: TokenSubject): Promise<Actor> {
  if (subject.kind === 'citizen') {
    try {
      return { kind: 'citizen', personnummer: parsePersonnummer(subject.personnummer).value };
    } catch {
      throw new DomainError('unauthenticated', 'Token innehåller inget giltigt personnummer.');
    }
  }
  const staff = await findActiveStaff(platform(db), subject.username);
  if (!staff) throw new DomainError('unauthenticated', 'Okänd eller inaktiverad användare.');
  return {
    kind: 'staff',
    username: staff.username,
    displayName: staff.displayName,
    employerCode: staff.employerCode,
    roles: staff.roles.filter(isStaffRole),
  };
}
