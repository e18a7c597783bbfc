import type { RootDb } from '@samverkan/db';
import type { AccessBasis, Actor } from '@samverkan/domain';

export interface TenantRef {
  code: string;
  schema: string;
  name: string;
  committeeName: string;
  organisationNumber: string | null;
  postalAddress: string | null;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type CtxAccess = AccessBasis | { basis: 'citizen' } | { basis: 'robot' };

/**
 * Everything a use-case may know about the request or job it serves. Built in one place per
 * app (the API's tenancy hook, the worker's job wrapper); use-cases never read tenancy elsewhere.
 */
export interface Ctx {
  db: RootDb;
  tenant: TenantRef;
  actor: Actor;
  access: CtxAccess;
  requestId: string;
  log: Logger;
  now: () => Date;
}

const stockholmDateFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Sweden at an instant (YYYY-MM-DD). */
export const stockholmToday = (at: Date): string => stockholmDateFormat.format(at);
