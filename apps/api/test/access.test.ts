import { loadOpenApiDocument } from '@samverkan/contract';
import { Ajv } from 'ajv';
import { createSigner } from 'fast-jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { provisionVellinge, useTestApp } from './helpers.ts';

const t = useTestApp();
const problemSchema = (loadOpenApiDocument().components as { schemas: Record<string, object> }).schemas
  .Problem;
const isProblem = new Ajv({ strict: false }).compile(problemSchema ?? {});

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code?: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as { code: string; status: number };
  expect(isProblem(body), JSON.stringify(isProblem.errors)).toBe(true);
  expect(body.status).toBe(status);
  if (code) expect(body.code).toBe(code);
  return body;
}

const countAudit = async (schema: string, where: string, params: unknown[] = []) =>
  t.admin(async (c) =>
    Number((await c.query(`SELECT count(*) AS n FROM ${schema}.audit_log WHERE ${where}`, params)).rows[0].n),
  );

beforeAll(async () => {
  await provisionVellinge(t);
});

describe('health', () => {
  it('answers live and ready with Postgres and Redis checked', async () => {
    expect((await t.app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });
  it('serves the contract and the docs', async () => {
    const spec = await t.app.inject({ url: '/openapi.json' });
    expect(spec.json().openapi).toBe('3.1.0');
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('who may act for which municipality', () => {
  it('lets a Trelleborg caseworker read Trelleborg (own) and Svedala (agreement)', async () => {
    const own = await t.app.inject({
      url: '/v1/municipalities/1287',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().access.basis).toBe('own');
    const tenant = await t.app.inject({
      url: '/v1/municipalities/1263',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(tenant.statusCode).toBe(200);
    expect(tenant.json()).toMatchObject({
      municipality: {
        kommunkod: '1263',
        name: 'Svedala kommun',
        committeeName: 'Socialnämnden i Svedala kommun',
      },
      access: { basis: 'agreement', scopes: ['assistance', 'labour_market'] },
    });
    expect(tenant.json().access.actions).toContain('cases.decide');
    expect(tenant.json().access.actions).not.toContain('norms.write');
  });

  it('refuses Vellinge (no agreement) with 403 and audits the refusal in Vellinge’s own log', async () => {
    const res = await t.app.inject({
      url: '/v1/municipalities/1233',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expectProblem(res, 403, 'forbidden');
    expect(
      await countAudit(
        'kommun_1233',
        "actor_id = 'handlaggare.trelleborg' AND outcome = 'refused' AND request_id = $1",
        [res.headers['x-request-id']],
      ),
    ).toBe(1);
  });

  it('lists only the municipalities the caller serves', async () => {
    const res = await t.app.inject({ url: '/v1/municipalities', headers: t.auth('handlaggare.trelleborg') });
    expect(
      res.json().items.map((i: { municipality: { kommunkod: string } }) => i.municipality.kommunkod),
    ).toEqual(['1263', '1287']);
    const svedala = await t.app.inject({ url: '/v1/municipalities', headers: t.auth('uppfoljare.svedala') });
    expect(
      svedala.json().items.map((i: { municipality: { kommunkod: string } }) => i.municipality.kommunkod),
    ).toEqual(['1263']);
  });

  it("lets Svedala's follow-up officer read Svedala only", async () => {
    expect(
      (await t.app.inject({ url: '/v1/municipalities/1263', headers: t.auth('uppfoljare.svedala') }))
        .statusCode,
    ).toBe(200);
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287', headers: t.auth('uppfoljare.svedala') }),
      403,
    );
    expectProblem(
      await t.app.inject({
        url: '/v1/municipalities/1287/guidelines',
        headers: t.auth('uppfoljare.svedala'),
      }),
      403,
    );
  });

  it('answers 404 for an unknown municipality and 400 for an invalid code, auditing both on the platform', async () => {
    const unknown = await t.app.inject({
      url: '/v1/municipalities/1234',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expectProblem(unknown, 404, 'municipality_not_found');
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/9999', headers: t.auth('handlaggare.trelleborg') }),
      400,
      'invalid_municipality_code',
    );
    const n = await t.admin(async (c) =>
      Number(
        (
          await c.query(
            "SELECT count(*) AS n FROM platform.audit_log WHERE target = '1234' AND outcome = 'refused'",
          )
        ).rows[0].n,
      ),
    );
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it('refuses schema-name injection and path tampering without touching any schema', async () => {
    for (const code of [
      'kommun_1263',
      '1263;drop',
      '1263%27',
      '..%2F1263',
      '1263%00',
      '12 63',
      '%31%32%36%33x',
    ]) {
      const res = await t.app.inject({
        url: `/v1/municipalities/${code}`,
        headers: t.auth('uppfoljare.svedala'),
      });
      expect(res.statusCode, code).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, code).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const schemas = await t.admin(async (c) =>
      (await c.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kommun_%' ORDER BY 1")).rows.map(
        (r) => r.nspname,
      ),
    );
    expect(schemas).toEqual(['kommun_1233', 'kommun_1263', 'kommun_1287']);
  });
});

describe('tokens', () => {
  it('refuses a missing token', async () => {
    expectProblem(await t.app.inject({ url: '/v1/municipalities/1263' }), 401, 'unauthenticated');
  });
  it('refuses an expired token', async () => {
    const signedTwoHoursAgo = createSigner({
      key: 'samverkan-dev-secret-not-for-production',
      iss: 'samverkan-dev',
      aud: 'samverkan-api',
      expiresIn: 3_600_000,
      clockTimestamp: Date.now() - 7_200_000,
    });
    const expired = signedTwoHoursAgo({ sub: 'handlaggare.trelleborg' });
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1263', headers: { authorization: `Bearer ${expired}` } }),
      401,
    );
  });
  it('refuses a token signed with another key, and one with the wrong audience or issuer', async () => {
    const forged = createSigner({
      key: 'another-secret-of-sufficient-length',
      iss: 'samverkan-dev',
      aud: 'samverkan-api',
    })({ sub: 'admin' });
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287', headers: { authorization: `Bearer ${forged}` } }),
      401,
    );
    for (const claims of [{ aud: 'another-api' }, { iss: 'evil' }]) {
      const signer = createSigner({
        key: 'samverkan-dev-secret-not-for-production',
        iss: 'samverkan-dev',
        aud: 'samverkan-api',
        ...claims,
      });
      const res = await t.app.inject({
        url: '/v1/municipalities/1287',
        headers: { authorization: `Bearer ${signer({ sub: 'admin' })}` },
      });
      expectProblem(res, 401);
    }
  });
  it('refuses an "alg: none" token and garbage', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'admin', iss: 'samverkan-dev', aud: 'samverkan-api' }),
    ).toString('base64url');
    for (const token of [`${header}.${payload}.`, 'not-a-token', '']) {
      expectProblem(
        await t.app.inject({ url: '/v1/municipalities/1287', headers: { authorization: `Bearer ${token}` } }),
        401,
      );
    }
  });
  it('refuses a valid token for an unknown or deactivated user', async () => {
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287', headers: t.auth('nobody.here') }),
      401,
    );
    await t.admin((c) =>
      c.query(
        "INSERT INTO platform.staff (username, display_name, employer_code, roles, active) VALUES ('slutat.trelleborg', 'Slutat', '1287', '{caseworker}', false)",
      ),
    );
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287', headers: t.auth('slutat.trelleborg') }),
      401,
    );
  });
});

describe('citizens', () => {
  const anna = { personnummer: '198704122848' }; // DEMO_CITIZENS[0], folkbokförd in Trelleborg
  it('shows a citizen only their own record, and audits the read', async () => {
    const res = await t.app.inject({ url: '/v1/municipalities/1287/me', headers: t.auth(anna) });
    expect(res.statusCode).toBe(200);
    expect(res.json().personnummer).toBe(anna.personnummer);
    expect(
      await countAudit('kommun_1287', "actor_id = $1 AND action = 'citizen.read_self'", [anna.personnummer]),
    ).toBe(1);
  });
  it('refuses a citizen on staff routes', async () => {
    expectProblem(await t.app.inject({ url: '/v1/municipalities/1287', headers: t.auth(anna) }), 403);
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287/audit-log', headers: t.auth(anna) }),
      403,
    );
    expectProblem(await t.app.inject({ url: '/v1/municipalities', headers: t.auth(anna) }), 403);
  });
  it('refuses staff on the citizen route', async () => {
    expectProblem(
      await t.app.inject({ url: '/v1/municipalities/1287/me', headers: t.auth('handlaggare.trelleborg') }),
      403,
    );
  });
  it('refuses a citizen token with an invalid personnummer', async () => {
    expectProblem(
      await t.app.inject({
        url: '/v1/municipalities/1287/me',
        headers: t.auth({ personnummer: '198704122844' }),
      }),
      401,
    );
  });
});

describe('audit log', () => {
  it("lets Svedala read its own log, never the host's staff", async () => {
    const own = await t.app.inject({
      url: '/v1/municipalities/1263/audit-log?limit=5',
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(own.statusCode).toBe(200);
    expectProblem(
      await t.app.inject({
        url: '/v1/municipalities/1263/audit-log',
        headers: t.auth('enhetschef.trelleborg'),
      }),
      403,
    );
  });
  it('is append-only for the application role', async () => {
    await expect(
      t.db
        .withSchema('kommun_1263')
        .deleteFrom('auditLog' as never)
        .execute(),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.db
        .withSchema('kommun_1263')
        .updateTable('auditLog' as never)
        .set({ action: 'x' } as never)
        .execute(),
    ).rejects.toThrow(/permission denied/);
  });
});
