import type {} from '@samverkan/core/testing/global-setup';
import { createDb, provisionTenant, type RootDb, withAdminClient } from '@samverkan/db';
import { createTestDatabase, type TestDatabase } from '@samverkan/db/testing';
import {
  createHttpRegisterGateway,
  type RegisterGateway,
  type RegisterSimulator,
  startRegisterSimulator,
} from '@samverkan/registers';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: FastifyInstance;
  db: RootDb;
  database: TestDatabase;
  redis: Redis;
  registers: RegisterGateway;
  simulator: RegisterSimulator;
  /** A bearer token from the development issuer. */
  token(subject: string | { personnummer: string }, extra?: Record<string, unknown>): string;
  auth(subject: string | { personnummer: string }): { authorization: string };
  admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T>;
}

/**
 * Boots the whole API on a fresh clone of the migrated + seeded template database (real
 * PostgreSQL, real Redis). One per test file; tests create their own extra data.
 */
export function useTestApp(
  options: { now?: () => Date; logStream?: { write(line: string): void } } = {},
): TestApp {
  const ctx = {} as TestApp;
  beforeAll(async () => {
    const database = await createTestDatabase(inject('templateDatabase'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.appUrl,
      REDIS_URL,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    const db = createDb({ connectionString: database.appUrl, maxConnections: 5 });
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    const simulator = await startRegisterSimulator({ port: 0 });
    const registers = createHttpRegisterGateway({ baseUrl: simulator.url, timeoutMs: 2000, retries: 1 });
    const app = await buildApp({
      config,
      db,
      redis,
      registers,
      ...(options.now ? { now: options.now } : {}),
      ...(options.logStream ? { logger: { level: 'info', stream: options.logStream } } : {}),
    });
    await app.ready();
    Object.assign(ctx, {
      app,
      db,
      database,
      redis,
      registers,
      simulator,
      token: (subject: string | { personnummer: string }, extra: Record<string, unknown> = {}) =>
        app.jwt.sign(
          typeof subject === 'string'
            ? { sub: subject, ...extra }
            : { sub: subject.personnummer, personnummer: subject.personnummer, ...extra },
        ),
      auth: (subject: string | { personnummer: string }) => ({
        authorization: `Bearer ${ctx.token(subject)}`,
      }),
      admin: <T>(work: (c: pg.Client) => Promise<T>) => withAdminClient(database.adminUrl, work),
    });
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.db?.destroy();
    ctx.redis?.disconnect();
    await ctx.simulator?.close();
    await ctx.database?.drop();
  });
  return ctx;
}

/** Vellinge: a real municipality with no agreement with Trelleborg. */
export async function provisionVellinge(t: TestApp): Promise<void> {
  await t.admin((c) =>
    provisionTenant(c, {
      code: '1233',
      name: 'Vellinge kommun',
      committeeName: 'Socialnämnden i Vellinge kommun',
    }),
  );
}
