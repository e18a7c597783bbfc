import { generateKeyPairSync } from 'node:crypto';
import { createDb } from '@samverkan/db';
import { createTestDatabase, type TestDatabase } from '@samverkan/db/testing';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ISSUER = 'https://idp.trelleborg.example';
const AUDIENCE = 'samverkan-prod';

let database: TestDatabase;
let app: FastifyInstance;
let destroy: () => Promise<void>;

beforeAll(async () => {
  database = await createTestDatabase(inject('templateDatabase'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: database.appUrl,
    JWT_PUBLIC_KEY: pem,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const db = createDb({ connectionString: database.appUrl, maxConnections: 2 });
  app = await buildApp({ config, db, redis: null, registers: null });
  destroy = () => db.destroy();
});
afterAll(async () => {
  await app?.close();
  await destroy?.();
  await database?.drop();
});

describe('production tokens (identity provider, public key)', () => {
  it('refuses to start in production without the identity provider’s key or with the dev issuer', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_JWKS_URL or JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_PUBLIC_KEY: pem })).toThrow(/development issuer/);
  });

  it('accepts an RS256 token from the configured issuer and audience', async () => {
    const sign = createSigner({ key, algorithm: 'RS256', iss: ISSUER, aud: AUDIENCE, expiresIn: 60_000 });
    const res = await app.inject({
      url: '/v1/municipalities/1263',
      headers: { authorization: `Bearer ${sign({ sub: 'handlaggare.trelleborg' })}` },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses the development HS256 token, another audience, another issuer and another key', async () => {
    const tokens = [
      createSigner({ key: 'samverkan-dev-secret-not-for-production', iss: ISSUER, aud: AUDIENCE })({
        sub: 'admin',
      }),
      createSigner({ key, algorithm: 'RS256', iss: ISSUER, aud: 'other' })({ sub: 'admin' }),
      createSigner({ key, algorithm: 'RS256', iss: 'https://evil.example', aud: AUDIENCE })({ sub: 'admin' }),
      createSigner({
        key: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        algorithm: 'RS256',
        iss: ISSUER,
        aud: AUDIENCE,
      })({ sub: 'admin' }),
    ];
    for (const token of tokens) {
      const res = await app.inject({
        url: '/v1/municipalities/1287',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().code).toBe('unauthenticated');
    }
  });
});
