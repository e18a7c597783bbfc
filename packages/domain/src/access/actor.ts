import type { StaffRole } from './roles.ts';

/** Who is acting: a named staff member, a citizen (BankID), or the robot (automatiserad beslutsfunktion). */
export type Actor =
  | {
      kind: 'staff';
      username: string;
      displayName: string;
      employerCode: string;
      roles: readonly StaffRole[];
    }
  | { kind: 'citizen'; personnummer: string }
  | { kind: 'robot'; name: string };

export const ROBOT: Actor = { kind: 'robot', name: 'Beslutsrobot' };

/** A stable id for the audit log: username, personnummer or robot name. */
export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return actor.username;
    case 'citizen':
      return actor.personnummer;
    case 'robot':
      return `robot:${actor.name}`;
  }
}
