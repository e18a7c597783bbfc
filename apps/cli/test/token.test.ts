import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { issueToken, token } from '../src/commands/token.ts';
import { CliError } from '../src/errors.ts';
import { captureOutput } from '../src/output.ts';
import { configFor, query, useSeededPlatform } from './helpers.ts';

const platform = useSeededPlatform();
const secret = new TextEncoder().encode('samverkan-dev-secret-not-for-production');
const verify = (jwt: string) =>
  jwtVerify(jwt, secret, { issuer: 'samverkan-dev', audience: 'samverkan-api', algorithms: ['HS256'] });

describe('token', () => {
  it('prints a staff token that verifies against the dev secret with sub, iss, aud and exp', async () => {
    const out = captureOutput();
    const before = Math.floor(Date.now() / 1000);
    await token(platform.config, ['handlaggare.trelleborg'], out);
    expect(out.stdout).toHaveLength(1); // the token alone, for $(pnpm cli token …)
    const { payload, protectedHeader } = await verify(out.stdout[0] ?? '');
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'handlaggare.trelleborg',
      iss: 'samverkan-dev',
      aud: 'samverkan-api',
    });
    expect(payload.personnummer).toBeUndefined();
    expect(payload.exp).toBeGreaterThanOrEqual(before + 8 * 3600);
    expect(payload.exp).toBeLessThanOrEqual(before + 8 * 3600 + 5);
  });

  it('honours --ttl and the issuer settings from config', async () => {
    const config = configFor(platform, {
      DEV_JWT_SECRET: 'another-secret-of-enough-length',
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
    });
    const issued = await issueToken(config, ['admin', '--ttl', '30m']);
    const { payload } = await jwtVerify(
      issued?.token ?? '',
      new TextEncoder().encode('another-secret-of-enough-length'),
      {
        issuer: 'i',
        audience: 'a',
      },
    );
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1800);
  });

  it('prints a citizen token with the 12-digit personnummer', async () => {
    const out = captureOutput();
    await token(platform.config, ['--citizen', '121212+1212'], out);
    const { payload } = await verify(out.stdout[0] ?? '');
    expect(payload).toMatchObject({ sub: '191212121212', personnummer: '191212121212' });
  });

  it.each([
    [['okand.person'], /No active staff member with username "okand.person"/],
    [['--citizen', '19121212-1213'], /Invalid personnummer/],
    [['--citizen', '19121212-1212', 'admin'], /either USERNAME or --citizen/],
    [[], /Give a USERNAME or --citizen/],
    [['admin', '--ttl', '90d'], /Invalid --ttl "90d"/],
    [['Admin Person'], /Invalid username/],
  ])('refuses %j', async (args, message) => {
    await expect(token(platform.config, args, captureOutput())).rejects.toThrow(message);
  });

  it('refuses a deactivated user', async () => {
    await query(
      platform.adminUrl,
      "UPDATE platform.staff SET active = false WHERE username = 'ekonomi.trelleborg'",
    );
    await expect(token(platform.config, ['ekonomi.trelleborg'], captureOutput())).rejects.toThrow(
      /No active staff member/,
    );
  });

  it('refuses to issue anything when NODE_ENV=production', async () => {
    const production = configFor(platform, { NODE_ENV: 'production' });
    for (const args of [['admin'], ['--citizen', '19121212-1212']]) {
      const error = await token(production, args, captureOutput()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(String(error)).toMatch(/refused when NODE_ENV=production/);
    }
  });
});
