import http from 'node:http';
import https from 'node:https';
import { DomainError } from '@samverkan/domain';
import type { z } from 'zod';
import type { RegisterEndpoint, RegisterGateway } from './gateway.ts';
import { populationRecordSchema, problemSchema, registerResponseSchema } from './schemas.ts';
import type { PopulationRecord, RegisterRequest, RegisterResponse } from './types.ts';

export interface HttpRegisterGatewayOptions {
  /** e.g. `http://127.0.0.1:4010` (the simulator) */
  baseUrl: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** Extra attempts after the first, for timeouts, network errors, 429 and 5xx. */
  retries?: number;
  /** Backoff before retry n (0-based) is `backoffMs · 2ⁿ` plus up to 20 % jitter. */
  backoffMs?: number;
  /**
   * Send requests with this `fetch` instead (tests count attempts with it). Without it requests
   * go through node:http with a keep-alive agent: the robot makes two register calls per case,
   * and fetch's web-stream machinery cost more CPU than the rest of the call.
   */
  fetchImpl?: typeof fetch;
}

/** One HTTP exchange; rejects on network errors and when `signal` fires (timeout). */
type Transport = (request: {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}) => Promise<{ status: number; text: string }>;

function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async ({ method, url, headers, body, signal }) => {
    const init: RequestInit = { method, headers, signal };
    if (body !== undefined) init.body = body;
    const res = await fetchImpl(url, init);
    return { status: res.status, text: await res.text() };
  };
}

function nodeTransport(): Transport {
  // Idle sockets are closed after 4 s, before a server's usual 5 s keep-alive timeout, so a
  // request does not go out on a socket the server is closing.
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: 4_000 }),
    https: new https.Agent({ keepAlive: true, timeout: 4_000 }),
  };
  return ({ method, url, headers, body, signal }) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const request = (secure ? https : http).request(
        url,
        {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
          agent: secure ? agents.https : agents.http,
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

type Failure = { kind: 'timeout' } | { kind: 'network' } | { kind: 'status'; status: number };

interface Answer {
  status: number;
  body: unknown;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function failureMessage(endpoint: RegisterEndpoint, failure: Failure | undefined): string {
  const register = endpoint === 'folkbokforing' ? 'Folkbokföringsregistret' : 'SSBTEK';
  switch (failure?.kind) {
    case 'timeout':
      return `${register} svarade inte i tid. Försök igen senare.`;
    case 'status':
      return `${register} är inte tillgängligt just nu (HTTP ${failure.status}). Försök igen senare.`;
    default:
      return `${register} gick inte att nå. Försök igen senare.`;
  }
}

/**
 * A `RegisterGateway` over HTTP (the simulator today; an SSBTEK adapter service later).
 * Every logical call gets one `x-request-id`, kept across its retries.
 */
export function createHttpRegisterGateway(options: HttpRegisterGatewayOptions): RegisterGateway {
  const { timeoutMs = 5000, retries = 2, backoffMs = 200 } = options;
  const transport = options.fetchImpl ? fetchTransport(options.fetchImpl) : nodeTransport();
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function call(
    endpoint: RegisterEndpoint,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Answer & { requestId: string; attempts: number }> {
    const requestId = crypto.randomUUID();
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': requestId };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let lastFailure: Failure | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.2));
      try {
        const res = await transport({
          method,
          url: `${baseUrl}${path}`,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status >= 500 || res.status === 429) {
          lastFailure = { kind: 'status', status: res.status };
          continue;
        }
        return { status: res.status, body: parseJson(res.text), requestId, attempts: attempt + 1 };
      } catch (error) {
        lastFailure = isTimeout(error) ? { kind: 'timeout' } : { kind: 'network' };
      }
    }
    throw new DomainError('register_unavailable', failureMessage(endpoint, lastFailure), {
      source: endpoint,
      status: lastFailure?.kind === 'status' ? lastFailure.status : undefined,
      reason: lastFailure?.kind,
      attempts: retries + 1,
      requestId,
    });
  }

  function validated<T>(
    schema: z.ZodType<T>,
    endpoint: RegisterEndpoint,
    answer: Answer & { requestId: string },
  ): T {
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new DomainError('register_unavailable', 'Registret lämnade ett svar med oväntat format.', {
        source: endpoint,
        status: answer.status,
        reason: 'malformed',
        requestId: answer.requestId,
        issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return parsed.data;
  }

  function rejected(endpoint: RegisterEndpoint, answer: Answer & { requestId: string }): DomainError {
    const problem = problemSchema.safeParse(answer.body);
    if (answer.status === 400) {
      const detail = problem.success ? problem.data.detail : undefined;
      if (problem.success && problem.data.code === 'invalid_personnummer') {
        return new DomainError('invalid_personnummer', detail ?? 'Personnumret är ogiltigt.', {
          source: endpoint,
          status: 400,
        });
      }
      return new DomainError('validation_failed', detail ?? 'Registret avvisade frågan.', {
        source: endpoint,
        status: 400,
        errors: problem.success ? problem.data.errors : undefined,
      });
    }
    return new DomainError(
      'register_unavailable',
      `Registret avvisade frågan (HTTP ${answer.status}). Kontrollera anslutningen.`,
      { source: endpoint, status: answer.status, requestId: answer.requestId },
    );
  }

  return {
    async lookupPerson(personnummer: string): Promise<PopulationRecord | null> {
      const answer = await call('folkbokforing', 'GET', `/population/${encodeURIComponent(personnummer)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw rejected('folkbokforing', answer);
      const record = validated(populationRecordSchema, 'folkbokforing', answer);
      if (record.personnummer !== personnummer) {
        throw new DomainError('register_unavailable', 'Registret svarade för fel person.', {
          source: 'folkbokforing',
          reason: 'mismatch',
          requestId: answer.requestId,
        });
      }
      return record;
    },

    async fetch(request: RegisterRequest): Promise<RegisterResponse> {
      const answer = await call('ssbtek', 'POST', '/ssbtek/v1/queries', request);
      if (answer.status !== 200) throw rejected('ssbtek', answer);
      const response = validated(registerResponseSchema, 'ssbtek', answer);
      const asked = new Set(request.sources);
      const extra = response.results.filter((r) => !asked.has(r.source)).map((r) => r.source);
      if (response.personnummer !== request.personnummer || extra.length > 0) {
        throw new DomainError(
          'register_unavailable',
          'Registret svarade med uppgifter som inte efterfrågades.',
          {
            source: 'ssbtek',
            reason: 'mismatch',
            unexpectedSources: extra,
            requestId: answer.requestId,
          },
        );
      }
      return response;
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
