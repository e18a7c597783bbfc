import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { loadOpenApiDocument, type OpenApiDocument } from '@samverkan/contract';
import type { RootDb } from '@samverkan/db';
import type { RegisterGateway } from '@samverkan/registers';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApiConfig } from './config.ts';
import { auth } from './plugins/auth.ts';
import { problemDetails } from './plugins/problem-details.ts';
import { applicationRoutes } from './routes/applications.ts';
import { auditRoutes } from './routes/audit.ts';
import { billingRoutes } from './routes/billing.ts';
import { caseRoutes } from './routes/cases.ts';
import { delegationRoutes } from './routes/delegation.ts';
import { followUpRoutes } from './routes/follow-up.ts';
import { healthRoutes } from './routes/health.ts';
import { municipalityRoutes } from './routes/municipalities.ts';
import { normRoutes } from './routes/norms.ts';
import { sampleCheckRoutes } from './routes/sample-checks.ts';
import { type RouteTable, registerOperations } from './routing.ts';

export interface AppDeps {
  config: ApiConfig;
  db: RootDb;
  /** Producer connection (enableOfflineQueue: false) or null when Redis is not configured. */
  redis: Redis | null;
  /** Population register / SSBTEK adapter; null = residency is checked later by the robot. */
  registers: RegisterGateway | null;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
}

/**
 * Two validators: request bodies are validated exactly as the contract says (no type coercion,
 * unknown fields refused); path and query strings are coerced to the declared types.
 */
function validators() {
  const base = { allErrors: true, strict: false, removeAdditional: false as const, useDefaults: true };
  const body = new Ajv({ ...base, coerceTypes: false });
  const text = new Ajv({ ...base, coerceTypes: true });
  addFormats.default(body);
  addFormats.default(text);
  return { body, text };
}

export function buildRouteTable(deps: {
  db: RootDb;
  redis: Redis | null;
  registers: RegisterGateway | null;
  now: () => Date;
}): RouteTable {
  return {
    ...healthRoutes(deps),
    ...applicationRoutes(deps),
    ...caseRoutes(deps),
    ...municipalityRoutes(deps),
    ...normRoutes,
    ...delegationRoutes,
    ...auditRoutes,
    ...sampleCheckRoutes,
    ...followUpRoutes(deps),
    ...billingRoutes(deps),
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    logger: deps.logger ?? {
      level: deps.config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    ajv: { customOptions: { strict: false } },
    routerOptions: { maxParamLength: 200 },
  });
  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? ajv.body.compile(schema) : ajv.text.compile(schema),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const document: OpenApiDocument = loadOpenApiDocument();
  await app.register(problemDetails);
  await app.register(auth, { config: deps.config });
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => document);

  const routes = buildRouteTable({ db: deps.db, redis: deps.redis, registers: deps.registers, now });
  registerOperations(app, { db: deps.db, document, routes, now });
  return app;
}
