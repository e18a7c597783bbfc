import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';

const lines: Record<string, unknown>[] = [];
const t = useTestApp({ logStream: { write: (line: string) => lines.push(JSON.parse(line)) } });

describe('request log lines', () => {
  it("carry the actor and the tenant on fastify's own 'request completed' line, also for a refusal", async () => {
    const ok = await t.app.inject({
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(ok.statusCode).toBe(200);
    const refused = await t.app.inject({
      url: '/v1/municipalities/1263/audit-log',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(refused.statusCode).toBe(403);
    const completed = lines.filter((l) => l.msg === 'request completed');
    const done = (id: string) => completed.find((l) => l.reqId === id);
    expect(done(String(ok.headers['x-request-id']))).toMatchObject({
      actor: 'handlaggare.trelleborg',
      tenant: '1263',
      basis: 'agreement',
    });
    expect(done(String(refused.headers['x-request-id']))).toMatchObject({ actor: 'handlaggare.trelleborg' });
    // Tokens never reach the log.
    expect(JSON.stringify(lines)).not.toMatch(/Bearer /);
  });
});
