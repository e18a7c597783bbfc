import { createDb, findActiveStaff, platform } from '@samverkan/db';
import { isDomainError, parsePersonnummer } from '@samverkan/domain';
import { SignJWT } from 'jose';
import { HELP_OPTION, parseCommandArgs } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { asEnvironmentError, CliError, describeUrl } from '../errors.ts';
import type { Output } from '../output.ts';

export const TOKEN_USAGE = `Usage: pnpm cli token USERNAME [--ttl 8h]
       pnpm cli token --citizen PERSONNUMMER [--ttl 8h]

Prints a bearer token from the local development issuer (HS256 with DEV_JWT_SECRET, iss
JWT_ISSUER, aud JWT_AUDIENCE — the same variables and defaults as the API). Refused when
NODE_ENV=production: production tokens come from the identity provider.

A staff token carries sub = USERNAME, which must be an active user in platform.staff
(checked with DATABASE_URL). A citizen token carries sub and personnummer = the 12-digit form.

Options:
  --citizen PNR   a personnummer or samordningsnummer (10 or 12 digits, with or without -)
  --ttl DURATION  lifetime: seconds, or a number with s, m, h or d (max 30d); default 8h

Examples:
  pnpm cli token handlaggare.trelleborg
  curl -H "authorization: Bearer $(pnpm cli token admin)" http://127.0.0.1:3000/v1/...
  pnpm cli token --citizen 19121212-1212 --ttl 30m`;

const OPTIONS = {
  ...HELP_OPTION,
  citizen: { type: 'string' },
  ttl: { type: 'string', default: '8h' },
} as const;
const COMMAND = 'token';
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL_SECONDS = 30 * 86_400;

export function parseTtl(input: string): number {
  const m = /^(\d{1,7})([smhd]?)$/.exec(input.trim());
  const seconds = m ? Number(m[1]) * (UNIT_SECONDS[m[2] || 's'] ?? 1) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
    throw new CliError(
      `Invalid --ttl ${JSON.stringify(input)}: use e.g. 900, 30m, 8h or 7d (at most 30d)`,
      COMMAND,
    );
  }
  return seconds;
}

async function assertActiveStaff(config: CliConfig, username: string): Promise<void> {
  const db = createDb({
    connectionString: config.DATABASE_URL,
    maxConnections: 1,
    applicationName: 'samverkan-cli',
  });
  try {
    const staff = await findActiveStaff(platform(db), username).catch((error: unknown) => {
      throw asEnvironmentError(error, describeUrl(config.DATABASE_URL)) ?? error;
    });
    if (!staff)
      throw new CliError(
        `No active staff member with username ${JSON.stringify(username)} in platform.staff`,
      );
  } finally {
    await db.destroy();
  }
}

export interface IssuedToken {
  token: string;
  claims: Record<string, string>;
  expiresAt: Date;
}

/** Validates the subject and signs; the caller prints. */
export async function issueToken(config: CliConfig, args: string[]): Promise<IssuedToken | undefined> {
  const { values, positionals } = parseCommandArgs(COMMAND, args, OPTIONS, { maxPositionals: 1 });
  if (values.help) return undefined;
  if (config.NODE_ENV === 'production') {
    throw new CliError('The development token issuer is refused when NODE_ENV=production');
  }
  const ttlSeconds = parseTtl(values.ttl);
  const [username] = positionals;
  let claims: Record<string, string>;
  if (values.citizen !== undefined) {
    if (username !== undefined) throw new CliError('Give either USERNAME or --citizen, not both', COMMAND);
    let personnummer: string;
    try {
      personnummer = parsePersonnummer(values.citizen).value;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      throw new CliError(
        `Invalid personnummer ${JSON.stringify(values.citizen)}: expected YYYYMMDD-NNNC or YYMMDD-NNNC with a valid date and check digit`,
        COMMAND,
      );
    }
    claims = { sub: personnummer, personnummer };
  } else {
    if (username === undefined) throw new CliError('Give a USERNAME or --citizen PERSONNUMMER', COMMAND);
    if (!/^[a-z0-9._-]{2,64}$/.test(username)) {
      throw new CliError(
        `Invalid username ${JSON.stringify(username)}: 2–64 of a–z, 0–9, '.', '_', '-'`,
        COMMAND,
      );
    }
    await assertActiveStaff(config, username);
    claims = { sub: username };
  }
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + ttlSeconds;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(config.DEV_JWT_SECRET));
  return { token, claims, expiresAt: new Date(expiresAt * 1000) };
}

export async function token(config: CliConfig, args: string[], output: Output): Promise<void> {
  const issued = await issueToken(config, args);
  if (!issued) return output.info(TOKEN_USAGE);
  // stdout carries the token alone, so $(pnpm cli token …) works; the rest goes to stderr.
  output.info(issued.token);
  output.error(`sub ${issued.claims.sub}, expires ${issued.expiresAt.toISOString()}`);
}
