import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';

const t = useTestApp();
const svedalaGuidelines = JSON.parse(
  readFileSync(
    new URL('../../../packages/domain/data/guidelines-1263-svedala.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;
const tomorrow = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
const count = (sql: string) => t.admin(async (c) => Number((await c.query(sql)).rows[0].n));

describe('guidelines (riktlinjer)', () => {
  it('lets Svedala change its own guidelines from a future date, audited', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('uppfoljare.svedala'),
      payload: { guidelines: { ...svedalaGuidelines, effectiveFrom: tomorrow, paymentDay: 25 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      effectiveFrom: tomorrow,
      guidelines: { paymentDay: 25 },
      createdBy: 'uppfoljare.svedala',
    });
    expect(
      await count(
        `SELECT count(*) n FROM kommun_1263.audit_log WHERE action = 'guidelines.create' AND actor_id = 'uppfoljare.svedala'`,
      ),
    ).toBe(1);
    const list = await t.app.inject({
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(list.json().items.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toContain(tomorrow);
    expect(list.json().inForce.effectiveFrom).toBe('2025-01-01');
  });

  it("never lets the host change a tenant's guidelines", async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('enhetschef.trelleborg'),
      payload: { guidelines: { ...svedalaGuidelines, effectiveFrom: tomorrow } },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a malformed or retroactive version whole, with pointers, writing nothing', async () => {
    const before = await count('SELECT count(*) n FROM kommun_1263.guideline_versions');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('uppfoljare.svedala'),
      payload: {
        guidelines: {
          ...svedalaGuidelines,
          effectiveFrom: '2027-02-01',
          sampleCheckRate: 1.5,
          paymentDay: 31,
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('guidelines_invalid');
    const pointers = bad.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/body/guidelines/sampleCheckRate', '/body/guidelines/paymentDay']),
    );
    const retro = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth('uppfoljare.svedala'),
      payload: { guidelines: { ...svedalaGuidelines, effectiveFrom: '2025-06-01' } },
    });
    expect(retro.statusCode).toBe(400);
    expect(retro.json().errors[0].pointer).toBe('/body/guidelines/effectiveFrom');
    expect(await count('SELECT count(*) n FROM kommun_1263.guideline_versions')).toBe(before);
  });

  it('serves riksnorm 2025 and 2026 with the official 2026 totals', async () => {
    const res = await t.app.inject({
      url: '/v1/municipalities/1287/national-norms',
      headers: t.auth('handlaggare.trelleborg'),
    });
    const norm2026 = res.json().items.find((n: { year: number }) => n.year === 2026).body;
    expect(norm2026.personal.singleAdult + norm2026.common.size1).toBe(522_000);
    expect(norm2026.personal.coupleAdults + norm2026.common.size2).toBe(851_000);
  });
});

describe('delegation rules (delegationsordning)', () => {
  it('answers who may decide: the robot in Trelleborg, a proposal in Svedala', async () => {
    const robot1287 = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/delegation-rules/evaluate',
      headers: t.auth('handlaggare.trelleborg'),
      payload: { actor: 'robot', decisionType: 'assistance.approve', amountOre: 800_000, normOre: 522_000 },
    });
    expect(robot1287.json()).toMatchObject({ allowed: true, mode: 'decide', reference: '4.1.1' });
    const robot1263 = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules/evaluate',
      headers: t.auth('handlaggare.trelleborg'),
      payload: { actor: 'robot', decisionType: 'assistance.approve', amountOre: 800_000, normOre: 522_000 },
    });
    expect(robot1263.json()).toMatchObject({ allowed: false, mode: 'propose', reference: '3.1' });
    expect(robot1263.json().signerRuleIds.length).toBeGreaterThanOrEqual(1);
  });

  it('lets Svedala add and end an external delegation, audited; the host cannot', async () => {
    const rule = {
      reference: '3.9',
      decisionType: 'assistance.reject',
      delegate: { kind: 'person', username: 'ask.trelleborg', employerCode: '1287' },
      validFrom: tomorrow,
    };
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules',
      headers: t.auth('uppfoljare.svedala'),
      payload: rule,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ external: true, createdBy: 'uppfoljare.svedala', validTo: null });
    const ended = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/delegation-rules/${created.json().ruleId}/end`,
      headers: t.auth('uppfoljare.svedala'),
      payload: { validTo: tomorrow },
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().validTo).toBe(tomorrow);
    expect(
      await count(
        `SELECT count(*) n FROM kommun_1263.audit_log WHERE action IN ('delegation.create', 'delegation.end')`,
      ),
    ).toBe(2);
    const host = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules',
      headers: t.auth('enhetschef.trelleborg'),
      payload: rule,
    });
    expect(host.statusCode).toBe(403);
  });

  it('refuses unknown delegates, unknown fields and retroactive rules', async () => {
    const base = { reference: '3.9', decisionType: 'assistance.approve', validFrom: tomorrow };
    const unknownPerson = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules',
      headers: t.auth('uppfoljare.svedala'),
      payload: { ...base, delegate: { kind: 'person', username: 'finns.inte', employerCode: '1287' } },
    });
    expect(unknownPerson.statusCode).toBe(400);
    const extra = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules',
      headers: t.auth('uppfoljare.svedala'),
      payload: { ...base, delegate: { kind: 'robot', mode: 'decide' }, admin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors[0]).toEqual({ pointer: '/body/admin', detail: 'okänt fält' });
    const retro = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/delegation-rules',
      headers: t.auth('uppfoljare.svedala'),
      payload: { ...base, delegate: { kind: 'robot', mode: 'decide' }, validFrom: '2024-01-01' },
    });
    expect(retro.statusCode).toBe(400);
  });
});

describe('bad input never reaches the database', () => {
  it('answers malformed JSON, wrong types, oversize bodies and wrong media types with 4xx problems', async () => {
    const h = { ...t.auth('uppfoljare.svedala'), 'content-type': 'application/json' };
    const url = '/v1/municipalities/1263/delegation-rules';
    expect(
      (await t.app.inject({ method: 'POST', url, headers: h, payload: '{"reference": ' })).json().code,
    ).toBe('malformed_json');
    const wrongType = await t.app.inject({
      method: 'POST',
      url,
      headers: h,
      payload: JSON.stringify({
        reference: 5,
        decisionType: 'assistance.approve',
        delegate: { kind: 'robot', mode: 'decide' },
        validFrom: tomorrow,
      }),
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].pointer).toBe('/body/reference');
    const huge = await t.app.inject({
      method: 'POST',
      url,
      headers: h,
      payload: JSON.stringify({ reference: 'x'.repeat(300_000) }),
    });
    expect(huge.statusCode).toBe(413);
    const text = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...t.auth('uppfoljare.svedala'), 'content-type': 'text/plain' },
      payload: 'hej',
    });
    // fastify parses text/plain itself; the string then fails the contract's object schema.
    expect(text.statusCode).toBe(400);
    expect(text.json().code).toBe('validation_failed');
    for (const r of [wrongType, huge, text]) expect(r.headers['content-type']).toMatch(/problem\+json/);
  });

  it('registers every operation in the contract exactly once', async () => {
    const spec = (await t.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(spec.paths).flatMap((p) =>
      Object.values(p)
        .map((o) => o.operationId)
        .filter(Boolean),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of Object.keys(item).filter((m) =>
        ['get', 'post', 'put', 'patch', 'delete'].includes(m),
      )) {
        const url = path.replace(/\{([^}]+)\}/g, ':$1');
        expect(t.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${path}`).toBe(
          true,
        );
      }
    }
  });
});
