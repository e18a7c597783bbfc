import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parsePersonnummer } from '@samverkan/domain';
import type { z } from 'zod';
import { personFixtureSchema, registerRequestSchema } from '../schemas.ts';
import type {
  PersonFixture,
  PersonFixtureInput,
  PopulationRecord,
  RegisterSource,
  SimulatorBehaviour,
} from '../types.ts';
import { DEMO_CITIZENS } from './demo-citizens.ts';
import { buildRegisterResponse, EMPTY_PROFILE, generatePopulation, generateProfile } from './generate.ts';
import { triggerFor } from './triggers.ts';

export interface RegisterSimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where generated persons are folkbokförda (picked deterministically). Default Trelleborg and Svedala. */
  defaultMunicipalityCodes?: readonly string[];
  /** Added to every answer. */
  latencyMs?: number;
  /** Delay for the `slow` behaviour; keep it above the client's timeout. Default 30 000. */
  slowResponseMs?: number;
  /** How many attempts per request id fail with 503 for the `intermittent` behaviour. Default 2. */
  intermittentFailures?: number;
  /** Persons with fixed data; default `DEMO_CITIZENS`. Pass [] for none. */
  fixtures?: readonly PersonFixtureInput[];
  /** Clock for `fetchedAt`. */
  now?: () => Date;
}

export interface RegisterSimulator {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  close(): Promise<void>;
  /** Registers (or replaces) a person with fixed data; returns it with defaults applied. */
  setPerson(fixture: PersonFixtureInput): PersonFixture;
  removePerson(personnummer: string): boolean;
}

const MAX_BODY_BYTES = 64 * 1024;
const UNSOLVED_REQUEST_IDS_KEPT = 10_000;

type Problem = {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: Array<{ pointer: string; detail: string }>;
};

class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

const invalidPersonnummer = (detail: string): HttpProblem =>
  new HttpProblem({ status: 400, code: 'invalid_personnummer', title: 'Ogiltigt personnummer', detail });

/** Only the 12-digit storage form with a real date and a correct check digit is accepted. */
function checkPersonnummer(value: string): string {
  if (!/^\d{12}$/.test(value))
    throw invalidPersonnummer('Personnumret måste anges med 12 siffror (ÅÅÅÅMMDDNNNK).');
  try {
    parsePersonnummer(value);
  } catch (error) {
    throw invalidPersonnummer(error instanceof Error ? error.message : 'Personnumret är ogiltigt.');
  }
  return value;
}

function validationProblem(error: z.ZodError): HttpProblem {
  return new HttpProblem({
    status: 400,
    code: 'validation_failed',
    title: 'Ogiltig fråga',
    detail: 'Frågan innehåller ogiltiga uppgifter.',
    errors: error.issues.map((issue) => ({
      pointer: `/${issue.path.map(String).join('/')}`,
      detail: issue.message,
    })),
  });
}

function decodePathSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpProblem({
        status: 413,
        code: 'payload_too_large',
        title: 'För stor fråga',
        detail: 'Frågan är för stor.',
      });
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpProblem({
      status: 400,
      code: 'validation_failed',
      title: 'Ogiltig fråga',
      detail: 'Frågan är inte giltig JSON.',
    });
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendProblem(
  res: ServerResponse,
  instance: string,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  send(
    res,
    problem.status,
    { type: `/problems/${problem.code.replaceAll('_', '-')}`, instance, ...problem },
    'application/problem+json; charset=utf-8',
  );
}

/**
 * A local stand-in for the population register and SSBTEK: deterministic, realistic data per
 * personnummer, special behaviours by serial digits (see README), fixed persons via fixtures.
 */
export async function startRegisterSimulator(
  options: RegisterSimulatorOptions = {},
): Promise<RegisterSimulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    defaultMunicipalityCodes = ['1287', '1263'],
    latencyMs = 0,
    slowResponseMs = 30_000,
    intermittentFailures = 2,
    fixtures = DEMO_CITIZENS,
    now = () => new Date(),
  } = options;
  if (defaultMunicipalityCodes.length === 0)
    throw new RangeError('defaultMunicipalityCodes must not be empty');

  const persons = new Map<string, PersonFixture>();
  const attemptsByRequestId = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const setPerson = (input: PersonFixtureInput): PersonFixture => {
    const fixture = personFixtureSchema.parse(input);
    checkPersonnummer(fixture.population.personnummer);
    persons.set(fixture.population.personnummer, fixture);
    return fixture;
  };
  for (const fixture of fixtures) setPerson(fixture);

  const wait = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const behaviourOf = (personnummer: string): SimulatorBehaviour =>
    persons.get(personnummer)?.behaviour ??
    (persons.has(personnummer) ? 'normal' : (triggerFor(personnummer).behaviour ?? 'normal'));

  /** Applies the transport behaviour; returns false when the answer has been sent already. */
  async function applyBehaviour(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    personnummer: string,
    malformed: unknown,
  ): Promise<boolean> {
    const behaviour = behaviourOf(personnummer);
    if (behaviour === 'slow') await wait(slowResponseMs);
    const unavailable = (): false => {
      sendProblem(
        res,
        path,
        {
          status: 503,
          code: 'register_unavailable',
          title: 'Registret är inte tillgängligt',
          detail: 'Registret är tillfälligt otillgängligt. Försök igen senare.',
        },
        { 'retry-after': '1' },
      );
      return false;
    };
    if (behaviour === 'unavailable') return unavailable();
    if (behaviour === 'intermittent') {
      const header = req.headers['x-request-id'];
      const key = `${typeof header === 'string' ? header : 'no-request-id'}:${path}`;
      const attempt = (attemptsByRequestId.get(key) ?? 0) + 1;
      if (attempt <= intermittentFailures) {
        if (attemptsByRequestId.size >= UNSOLVED_REQUEST_IDS_KEPT) attemptsByRequestId.clear();
        attemptsByRequestId.set(key, attempt);
        return unavailable();
      }
      attemptsByRequestId.delete(key);
    }
    if (behaviour === 'malformed') {
      send(res, 200, malformed);
      return false;
    }
    return true;
  }

  function populationRecord(personnummer: string): PopulationRecord | null {
    return (
      persons.get(personnummer)?.population ?? generatePopulation(personnummer, defaultMunicipalityCodes)
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname;
    await wait(latencyMs);

    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });

    const populationMatch = /^\/population\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && populationMatch) {
      const personnummer = checkPersonnummer(decodePathSegment(populationMatch[1]));
      if (!(await applyBehaviour(req, res, path, personnummer, { personnummer, namn: 'Okänt format' })))
        return;
      const record = populationRecord(personnummer);
      if (!record) {
        return sendProblem(res, path, {
          status: 404,
          code: 'person_not_found',
          title: 'Personen finns inte',
          detail: 'Personen finns inte i folkbokföringen.',
        });
      }
      return send(res, 200, record);
    }

    if (req.method === 'POST' && path === '/ssbtek/v1/queries') {
      const body = await readJson(req);
      const pnr =
        typeof body === 'object' &&
        body !== null &&
        'personnummer' in body &&
        typeof body.personnummer === 'string'
          ? body.personnummer
          : '';
      checkPersonnummer(pnr);
      const parsed = registerRequestSchema.safeParse(body);
      if (!parsed.success) throw validationProblem(parsed.error);
      const request = parsed.data;
      if (
        !(await applyBehaviour(req, res, path, pnr, {
          personnummer: pnr,
          results: 'tekniskt fel',
          fetchedAt: 'igår',
        }))
      )
        return;
      const fixture = persons.get(pnr);
      const latestYear = Number([...request.periods].sort().at(-1)?.slice(0, 4));
      const profile = fixture
        ? fixture.profile
        : populationRecord(pnr) === null
          ? EMPTY_PROFILE
          : generateProfile(pnr, latestYear);
      const unavailable: RegisterSource[] = behaviourOf(pnr) === 'partial' ? ['csn', 'akassa'] : [];
      return send(res, 200, buildRegisterResponse({ profile }, request, now(), unavailable));
    }

    const adminMatch = /^\/admin\/persons\/([^/]+)$/.exec(path);
    if (adminMatch && (req.method === 'PUT' || req.method === 'DELETE')) {
      const personnummer = checkPersonnummer(decodePathSegment(adminMatch[1]));
      if (req.method === 'DELETE') {
        persons.delete(personnummer);
        res.writeHead(204).end();
        return;
      }
      const parsed = personFixtureSchema.safeParse(await readJson(req));
      if (!parsed.success) throw validationProblem(parsed.error);
      if (parsed.data.population.personnummer !== personnummer) {
        throw new HttpProblem({
          status: 400,
          code: 'validation_failed',
          title: 'Ogiltig fråga',
          detail: 'Personnumret i adressen och i posten skiljer sig.',
        });
      }
      return send(res, 200, setPerson(parsed.data));
    }

    sendProblem(res, path, {
      status: 404,
      code: 'not_found',
      title: 'Hittades inte',
      detail: 'Adressen finns inte i simulatorn.',
    });
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpProblem) return sendProblem(res, path, error.problem);
      sendProblem(res, path, {
        status: 500,
        code: 'internal_error',
        title: 'Internt fel',
        detail: 'Simulatorn råkade ut för ett fel.',
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The simulator is not listening on TCP');
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    setPerson,
    removePerson: (personnummer) => persons.delete(personnummer),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
