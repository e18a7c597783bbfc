import { DomainError, isValidPersonnummer } from '@samverkan/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpRegisterGateway,
  DEMO_CITIZENS,
  REGISTER_SOURCES,
  type RegisterGateway,
  type RegisterRequest,
  type RegisterSimulator,
  registerResponseSchema,
  startRegisterSimulator,
} from '../src/index.ts';
import { pnr, withBadCheckDigit } from './helpers.ts';

let sim: RegisterSimulator;
let gateway: RegisterGateway;

const request = (personnummer: string, overrides: Partial<RegisterRequest> = {}): RegisterRequest => ({
  personnummer,
  periods: ['2026-01', '2026-02', '2026-03'],
  sources: [...REGISTER_SOURCES],
  caseReference: 'EB-2026-0001',
  municipalityCode: '1287',
  ...overrides,
});

/** The real fetch, counting attempts. */
function countingFetch(): { fetchImpl: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetchImpl: (input, init) => {
      calls++;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  sim = await startRegisterSimulator({ slowResponseMs: 2_000 });
  gateway = createHttpRegisterGateway({ baseUrl: sim.url, timeoutMs: 1_000, retries: 2, backoffMs: 10 });
});
afterAll(async () => {
  await sim.close();
});

describe('happy path', () => {
  it('answers the health check', async () => {
    const res = await fetch(`${sim.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('looks up a generated person folkbokförd in one of the default municipalities', async () => {
    const record = await gateway.lookupPerson(pnr('123'));
    expect(record).not.toBeNull();
    expect(record?.personnummer).toBe(pnr('123'));
    expect(['1287', '1263']).toContain(record?.municipalityCode);
    expect(record?.protectedIdentity).toBe(false);
    expect(record?.address?.postalCode).toMatch(/^\d{3} \d{2}$/);
  });

  it('is deterministic: same input gives the same data, even from a fresh simulator', async () => {
    const first = await gateway.fetch(request(pnr('123')));
    const second = await gateway.fetch(request(pnr('123')));
    const other = await startRegisterSimulator();
    try {
      const fromOther = await createHttpRegisterGateway({ baseUrl: other.url }).fetch(request(pnr('123')));
      expect(second.results).toEqual(first.results);
      expect(fromOther.results).toEqual(first.results);
      expect(await createHttpRegisterGateway({ baseUrl: other.url }).lookupPerson(pnr('123'))).toEqual(
        await gateway.lookupPerson(pnr('123')),
      );
    } finally {
      await other.close();
    }
  });

  it('gives different persons different data', async () => {
    const people = ['101', '202', '303', '404', '505', '606'].map((s) => pnr(s));
    const answers = await Promise.all(people.map((p) => gateway.fetch(request(p))));
    const distinct = new Set(answers.map((a) => JSON.stringify(a.results)));
    expect(distinct.size).toBeGreaterThan(1);
    const names = await Promise.all(people.map((p) => gateway.lookupPerson(p)));
    expect(new Set(names.map((n) => `${n?.givenName} ${n?.familyName}`)).size).toBeGreaterThan(1);
  });

  it('answers with realistic shapes: months as asked, amounts in öre, known status codes', async () => {
    const response = await gateway.fetch(request(pnr('936'), { periods: ['2026-03', '2026-01', '2026-02'] }));
    expect(registerResponseSchema.parse(response)).toEqual(response);
    expect(response.periods).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(response.results.map((r) => r.source)).toEqual([...REGISTER_SOURCES]);
    for (const result of response.results) {
      if (result.source === 'forsakringskassan') {
        const childAllowance = result.payments.filter((p) => p.type === 'barnbidrag');
        expect(childAllowance.map((p) => p.amountOre)).toEqual([375_000, 375_000, 375_000]);
        expect(result.payments.filter((p) => p.type === 'flerbarnstillagg').map((p) => p.amountOre)).toEqual([
          73_000, 73_000, 73_000,
        ]);
        expect(childAllowance.every((p) => p.preliminaryTaxOre === 0)).toBe(true);
      }
      if (result.source === 'arbetsformedlingen') {
        expect(result.activityReports.map((r) => r.month)).toEqual(response.periods);
        for (const r of result.activityReports) expect([200, 500, 501, 502]).toContain(r.status);
      }
    }
  });

  it('returns only the requested sources, in the order asked', async () => {
    const response = await gateway.fetch(request(pnr('123'), { sources: ['migrationsverket', 'csn'] }));
    expect(response.results.map((r) => r.source)).toEqual(['migrationsverket', 'csn']);
    expect(response.unavailable).toEqual([]);
  });

  it('answers wage income for the wage trigger, a-kassa for the a-kassa trigger', async () => {
    const wage = await gateway.fetch(request(pnr('930'), { sources: ['skatteverket'] }));
    const tax = wage.results.find((r) => r.source === 'skatteverket');
    expect(tax?.source === 'skatteverket' && tax.employerReports.length).toBe(3);
    for (const row of tax?.source === 'skatteverket' ? tax.employerReports : []) {
      expect(row.grossWageOre).toBeGreaterThanOrEqual(2_400_000);
      expect(row.grossWageOre).toBeLessThanOrEqual(4_100_000);
      expect(row.preliminaryTaxOre).toBeGreaterThan(0);
      expect(row.employerOrgNumber).toMatch(/^\d{10}$/);
    }
    const fund = await gateway.fetch(request(pnr('932'), { sources: ['akassa'] }));
    const akassa = fund.results[0];
    expect(akassa?.source).toBe('akassa');
    if (akassa?.source === 'akassa') {
      expect(akassa.fund).not.toBeNull();
      expect(akassa.payments).toHaveLength(3);
      for (const p of akassa.payments) {
        const daily = p.grossOre / p.days;
        expect(Number.isInteger(daily)).toBe(true);
        expect(daily).toBeGreaterThanOrEqual(51_000); // grundbelopp
        expect(daily).toBeLessThanOrEqual(120_000); // ceiling
        expect(p.preliminaryTaxOre).toBeGreaterThan(0);
      }
    }
  });

  it('reports activity report 501 (not filed) for the latest month only', async () => {
    const response = await gateway.fetch(request(pnr('920'), { sources: ['arbetsformedlingen'] }));
    const af = response.results[0];
    expect(af?.source === 'arbetsformedlingen' && af.registered).toBe(true);
    expect(af?.source === 'arbetsformedlingen' && af.activityReports.map((r) => r.status)).toEqual([
      200, 200, 501,
    ]);
  });

  it('marks protected identity and withholds the address', async () => {
    const record = await gateway.lookupPerson(pnr('901'));
    expect(record?.protectedIdentity).toBe(true);
    expect(record?.address).toBeNull();
  });

  it('folkbokför the other-municipality trigger outside the default municipalities', async () => {
    const record = await gateway.lookupPerson(pnr('903'));
    expect(['1287', '1263']).not.toContain(record?.municipalityCode);
  });

  it('lists sources that did not answer in a partial answer', async () => {
    const response = await gateway.fetch(request(pnr('913'), { sources: ['csn', 'skatteverket'] }));
    expect(response.results.map((r) => r.source)).toEqual(['skatteverket']);
    expect(response.unavailable.map((u) => u.source)).toEqual(['csn']);
  });
});

describe('unknown persons and fixtures', () => {
  it('returns null for a person not in the population register', async () => {
    expect(await gateway.lookupPerson(pnr('900'))).toBeNull();
  });

  it('serves the demo citizens: valid personnummer, three in Trelleborg and three in Svedala', async () => {
    expect(DEMO_CITIZENS).toHaveLength(6);
    const records = await Promise.all(
      DEMO_CITIZENS.map((d) => gateway.lookupPerson(d.population.personnummer)),
    );
    for (const [i, record] of records.entries()) {
      expect(isValidPersonnummer(record?.personnummer ?? '')).toBe(true);
      expect(record).toEqual(DEMO_CITIZENS[i]?.population);
    }
    expect(records.filter((r) => r?.municipalityCode === '1287')).toHaveLength(3);
    expect(records.filter((r) => r?.municipalityCode === '1263')).toHaveLength(3);
  });

  it('lets a fixture fix municipality and income, overriding both generated data and triggers', async () => {
    const personnummer = pnr('911', '19920214'); // 911 would always answer 503
    sim.setPerson({
      population: {
        personnummer,
        givenName: 'Leila',
        familyName: 'Haddad',
        municipalityCode: '1263',
        address: { street: 'Torggatan 2', postalCode: '233 31', city: 'Svedala' },
        protectedIdentity: false,
        deceased: false,
      },
      profile: {
        wages: [
          { employerOrgNumber: '2120001199', employerName: 'Trelleborgs kommun', monthlyGrossOre: 1_234_500 },
        ],
      },
    });
    try {
      const record = await gateway.lookupPerson(personnummer);
      expect(record?.givenName).toBe('Leila');
      expect(record?.municipalityCode).toBe('1263');
      const response = await gateway.fetch(request(personnummer, { sources: ['skatteverket', 'akassa'] }));
      const tax = response.results.find((r) => r.source === 'skatteverket');
      expect(tax?.source === 'skatteverket' && tax.employerReports.map((r) => r.grossWageOre)).toEqual([
        1_234_500, 1_234_500, 1_234_500,
      ]);
      expect(response.results.find((r) => r.source === 'akassa')).toEqual({
        source: 'akassa',
        fund: null,
        payments: [],
      });
    } finally {
      sim.removePerson(personnummer);
    }
    await expect(gateway.lookupPerson(personnummer)).rejects.toMatchObject({ code: 'register_unavailable' });
  });

  it('accepts fixtures over HTTP (PUT /admin/persons/{pnr})', async () => {
    const personnummer = pnr('124', '19750101');
    const population = {
      personnummer,
      givenName: 'Karin',
      familyName: 'Berg',
      municipalityCode: '1287',
      address: null,
      protectedIdentity: true,
      deceased: false,
    };
    const res = await fetch(`${sim.url}/admin/persons/${personnummer}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ population }),
    });
    expect(res.status).toBe(200);
    expect(await gateway.lookupPerson(personnummer)).toEqual(population);
    sim.removePerson(personnummer);
  });
});

describe('errors', () => {
  it('retries an intermittent failure and succeeds with the same request id', async () => {
    const counter = countingFetch();
    const client = createHttpRegisterGateway({
      baseUrl: sim.url,
      retries: 2,
      backoffMs: 10,
      fetchImpl: counter.fetchImpl,
    });
    const response = await client.fetch(request(pnr('912')));
    expect(response.personnummer).toBe(pnr('912'));
    expect(counter.calls()).toBe(3);
  });

  it('gives up on an intermittent failure when retries are too few', async () => {
    const client = createHttpRegisterGateway({ baseUrl: sim.url, retries: 1, backoffMs: 10 });
    const error = await rejection(client.lookupPerson(pnr('912')));
    expect(error.code).toBe('register_unavailable');
    expect(error.details).toMatchObject({ source: 'folkbokforing', status: 503, attempts: 2 });
  });

  it('throws register_unavailable after retries when the register answers 503', async () => {
    const counter = countingFetch();
    const client = createHttpRegisterGateway({
      baseUrl: sim.url,
      retries: 2,
      backoffMs: 10,
      fetchImpl: counter.fetchImpl,
    });
    const error = await rejection(client.fetch(request(pnr('911'))));
    expect(error.code).toBe('register_unavailable');
    expect(error.message).toMatch(/SSBTEK är inte tillgängligt/);
    expect(error.details).toMatchObject({ source: 'ssbtek', status: 503, attempts: 3 });
    expect(counter.calls()).toBe(3);
  });

  it('times out on a slow register and throws register_unavailable', async () => {
    const client = createHttpRegisterGateway({ baseUrl: sim.url, timeoutMs: 100, retries: 1, backoffMs: 10 });
    const started = performance.now();
    const error = await rejection(client.fetch(request(pnr('910'))));
    expect(error.code).toBe('register_unavailable');
    expect(error.details).toMatchObject({ reason: 'timeout', attempts: 2 });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('treats a malformed answer as an error, not data', async () => {
    const counter = countingFetch();
    const client = createHttpRegisterGateway({
      baseUrl: sim.url,
      backoffMs: 10,
      fetchImpl: counter.fetchImpl,
    });
    const fetchError = await rejection(client.fetch(request(pnr('914'))));
    expect(fetchError.code).toBe('register_unavailable');
    expect(fetchError.details).toMatchObject({ reason: 'malformed' });
    const lookupError = await rejection(client.lookupPerson(pnr('914')));
    expect(lookupError.details).toMatchObject({ reason: 'malformed' });
    expect(counter.calls()).toBe(2);
  });

  it('throws register_unavailable when nothing listens', async () => {
    const gone = await startRegisterSimulator();
    const url = gone.url;
    await gone.close();
    const client = createHttpRegisterGateway({ baseUrl: url, retries: 1, backoffMs: 10 });
    const error = await rejection(client.lookupPerson(pnr('123')));
    expect(error.code).toBe('register_unavailable');
    expect(error.details).toMatchObject({ reason: 'network' });
  });
});

describe('validation', () => {
  const bad = withBadCheckDigit(pnr('123'));

  it('the simulator rejects an invalid personnummer with 400 problem+json', async () => {
    const lookup = await fetch(`${sim.url}/population/${bad}`);
    expect(lookup.status).toBe(400);
    expect(lookup.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await lookup.json()).toMatchObject({ status: 400, code: 'invalid_personnummer' });

    const query = await fetch(`${sim.url}/ssbtek/v1/queries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request('8112189876')),
    });
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ code: 'invalid_personnummer' });
  });

  it('the client turns the 400 into DomainError invalid_personnummer without retrying', async () => {
    const counter = countingFetch();
    const client = createHttpRegisterGateway({
      baseUrl: sim.url,
      backoffMs: 10,
      fetchImpl: counter.fetchImpl,
    });
    expect((await rejection(client.lookupPerson(bad))).code).toBe('invalid_personnummer');
    expect((await rejection(client.fetch(request(bad)))).code).toBe('invalid_personnummer');
    expect((await rejection(client.lookupPerson('../health'))).code).toBe('invalid_personnummer');
    expect(counter.calls()).toBe(3);
  });

  it('the client turns other rejected requests into validation_failed with pointers', async () => {
    const error = await rejection(gateway.fetch(request(pnr('123'), { periods: ['2026-13'] })));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ status: 400, errors: [{ pointer: '/periods/0' }] });
  });
});

describe('connections', () => {
  it('keeps the connection alive between calls (no TCP set-up per register call)', async () => {
    const { createServer } = await import('node:http');
    let connections = 0;
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end('{"title":"Not found"}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const client = createHttpRegisterGateway({ baseUrl: `http://127.0.0.1:${address.port}`, retries: 0 });
      for (let i = 0; i < 50; i++) expect(await client.lookupPerson(pnr(String(100 + i)))).toBeNull();
      // 50 calls over one or two connections (the pool may open a second before the first is handed back).
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
