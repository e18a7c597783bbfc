import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookChannel } from '@samverkan/core';
import { withAdminClient } from '@samverkan/db';
import type { JobName } from '@samverkan/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationProcessors } from '../src/processors/notifications.ts';
import { sampleDraw } from '../src/processors/sample-draw.ts';
import { summaryDaily } from '../src/processors/summary-daily.ts';
import type { JobContext } from '../src/processors/types.ts';
import { registerSchedules, schedulerIdFor, schedulesFromRegistry } from '../src/schedules.ts';
import { noRegisters, silentLog, useTestEnv } from './helpers.ts';

const env = useTestEnv();
const admin = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  withAdminClient(env.database.adminUrl, async (c) => (await c.query(sql, params)).rows as T[]);

const jobCtx = (jobName: JobName, now = new Date('2026-12-02T05:00:00Z')): JobContext => ({
  db: env.db,
  dbFor: () => env.db,
  registers: noRegisters,
  log: silentLog,
  queue: 'default',
  jobName,
  jobId: `test_${jobName}`,
  attemptsMade: 0,
  scheduledAt: undefined,
  now: () => now,
});

describe('schedules from the registry', () => {
  it('gives each active municipality its daily and monthly jobs and each agreement an invoice run', async () => {
    const entries = await schedulesFromRegistry(env.db, { notifications: false });
    const ids = entries.map(schedulerIdFor).sort();
    expect(ids).toEqual(
      expect.arrayContaining([
        'summary.daily_1287',
        'summary.daily_1263',
        'payments.file_1287',
        'payments.file_1263',
        'sample.draw_1287',
        'sample.draw_1263',
      ]),
    );
    expect(ids.some((id) => id.startsWith('invoice.run_1263_'))).toBe(true);
    expect(ids.some((id) => id.startsWith('notifications.deliver'))).toBe(false);
    expect(new Set(ids).size).toBe(ids.length);
    const withPush = await schedulesFromRegistry(env.db, { notifications: true });
    expect(withPush.map(schedulerIdFor)).toEqual(expect.arrayContaining(['notifications.deliver_1287']));
    // They register as BullMQ job schedulers (Europe/Stockholm) and a second run changes nothing.
    const first = await registerSchedules({ connection: env.consumer, entries, log: silentLog });
    expect(first.upserted.sort()).toEqual(ids);
    const again = await registerSchedules({ connection: env.consumer, entries, log: silentLog });
    expect(again.removed).toEqual([]);
    const schedulers = await env.queue('default').getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'summary.daily_1263')).toMatchObject({
      pattern: '0 6 * * 1-5',
      tz: 'Europe/Stockholm',
    });
    await registerSchedules({ connection: env.consumer, entries: [], log: silentLog });
  });
});

describe('summary.daily', () => {
  it('stores the morning summary once per reviewed day and skips weekends', async () => {
    const first = await summaryDaily(
      { municipalityCode: '1263', date: '2026-12-02' },
      jobCtx('summary.daily'),
    );
    expect(first).toMatchObject({ reviewedDay: '2026-12-01', manualOpen: 0 });
    const again = await summaryDaily(
      { municipalityCode: '1263', date: '2026-12-02' },
      jobCtx('summary.daily'),
    );
    expect(again).toEqual(first);
    const rows = await admin(`SELECT summary_date::text AS d FROM kommun_1263.daily_summaries`);
    expect(rows).toEqual([{ d: '2026-12-01' }]);
    expect(await admin(`SELECT 1 FROM kommun_1287.daily_summaries`)).toEqual([]);
    // Saturday 5 December: no summary.
    expect(
      await summaryDaily({ municipalityCode: '1263', date: '2026-12-05' }, jobCtx('summary.daily')),
    ).toEqual({
      skipped: 'not_a_working_day',
    });
  });
});

describe('sample.draw', () => {
  it('draws the previous month once; a re-run returns the first draw', async () => {
    const first = await sampleDraw({ municipalityCode: '1287' }, jobCtx('sample.draw'));
    expect(first).toMatchObject({ month: '2026-11', created: true });
    const again = await sampleDraw({ municipalityCode: '1287' }, jobCtx('sample.draw'));
    expect(again).toMatchObject({ month: '2026-11', created: false });
    const draws = await admin(`SELECT draw_month, drawn_by FROM kommun_1287.sample_draws`);
    expect(draws).toEqual([{ draw_month: '2026-11', drawn_by: 'robot:Beslutsrobot' }]);
  });
});

describe('notification delivery', () => {
  let server: Server;
  let url = '';
  let status = 200;
  const received: Record<string, unknown>[] = [];
  const keys: string[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        if (status === 200) {
          received.push(JSON.parse(body));
          keys.push(String(req.headers['idempotency-key']));
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    const [person] = await admin<{ person_id: string }>(
      `INSERT INTO kommun_1263.citizens (personnummer, given_name, family_name)
       VALUES ('199203030123', 'Nora', 'Notis') RETURNING person_id`,
    );
    await admin(
      `INSERT INTO kommun_1263.notifications (person_id, kind, title, body, dedupe_key, created_at)
       VALUES ($1, 'decided', 'Beslut', 'Du har fått ett beslut.', 'n1', timestamptz '2026-12-02 04:00Z'),
              ($1, 'document_request', 'Stickprov', 'Skicka kontoutdrag.', 'n2', timestamptz '2026-12-02 04:30Z'),
              ($1, 'old', 'Gammalt', 'För gammalt för att skickas.', 'n3', timestamptz '2026-10-01 04:00Z')`,
      [person?.person_id],
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps rows undelivered while the gateway refuses, then delivers each once', async () => {
    const processors = notificationProcessors(webhookChannel(url));
    status = 503;
    const refused = await processors['notifications.deliver'](
      { municipalityCode: '1263' },
      jobCtx('notifications.deliver'),
    );
    expect(refused).toEqual({ delivered: 0, failed: 1 });
    expect(await admin(`SELECT 1 FROM kommun_1263.notifications WHERE delivered_at IS NOT NULL`)).toEqual([]);

    status = 200;
    const sent = await processors['notifications.deliver'](
      { municipalityCode: '1263' },
      jobCtx('notifications.deliver'),
    );
    expect(sent).toEqual({ delivered: 2, failed: 0 });
    expect(received.map((r) => r.kind)).toEqual(['decided', 'document_request']);
    expect(received[0]).toMatchObject({
      municipalityCode: '1263',
      personnummer: '199203030123',
      title: 'Beslut',
    });
    expect(new Set(keys).size).toBe(2);
    const again = await processors['notifications.deliver'](
      { municipalityCode: '1263' },
      jobCtx('notifications.deliver'),
    );
    expect(again).toEqual({ delivered: 0, failed: 0 });
    const rows = await admin<{ dedupe_key: string; delivered_via: string | null }>(
      `SELECT dedupe_key, delivered_via FROM kommun_1263.notifications ORDER BY dedupe_key`,
    );
    expect(rows).toEqual([
      { dedupe_key: 'n1', delivered_via: 'webhook' },
      { dedupe_key: 'n2', delivered_via: 'webhook' },
      { dedupe_key: 'n3', delivered_via: null },
    ]);
  });

  it('does nothing without a channel (NOTIFY_CHANNEL=none)', async () => {
    const processors = notificationProcessors(null);
    expect(
      await processors['notifications.deliver'](
        { municipalityCode: '1263' },
        jobCtx('notifications.deliver'),
      ),
    ).toEqual({
      skipped: 'no_channel',
    });
  });
});
