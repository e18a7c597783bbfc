import type { OpenApiDocument, operations } from '@samverkan/contract';
import { authorizeMunicipality, type Ctx, recordPlatformRefusal, resolveActor } from '@samverkan/core';
import type { RootDb } from '@samverkan/db';
import { type Action, type Actor, DomainError, isDomainError } from '@samverkan/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';

export type OperationId = keyof operations;

type Op<K extends OperationId> = operations[K];
type PathParams<K extends OperationId> =
  Op<K> extends { parameters: { path: infer P } } ? P : Record<string, never>;
type QueryParams<K extends OperationId> =
  Op<K> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;
type Body<K extends OperationId> =
  Op<K> extends { requestBody: { content: { 'application/json': infer B } } }
    ? B
    : Op<K> extends { requestBody?: { content: { 'application/json': infer B } } }
      ? B | undefined
      : undefined;

export interface HandlerInput<K extends OperationId> {
  params: PathParams<K>;
  query: QueryParams<K>;
  body: Body<K>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * How a route is guarded. `public`: no token. `staff`: any authenticated staff member.
 * `{ action }`: a municipality route — token, agreement and role are checked for the
 * `kommunkod` in the path and a tenant Ctx is built. `citizen`: a municipality route for a
 * citizen's own data.
 */
export type Guard = 'public' | 'staff' | 'citizen' | { action: Action; citizensToo?: boolean };

export interface RouteDef<K extends OperationId = OperationId> {
  guard: Guard;
  handler: (input: HandlerInput<K>, rc: RequestCtx) => Promise<unknown>;
}

export type RequestCtx = { ctx: Ctx | null; actor: Actor | null };

/** The tenant context of a municipality route (its guard guarantees one). */
export function tenantCtx(rc: RequestCtx): Ctx {
  if (!rc.ctx) throw new Error('route guard did not build a tenant context');
  return rc.ctx;
}

export type RouteTable = { [K in OperationId]: RouteDef<K> };

export function route<K extends OperationId>(_id: K, def: RouteDef<K>): RouteDef<K> {
  return def;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface OperationObject {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

/** Fastify route schemas straight from the bundled (dereferenced) OpenAPI document. */
function schemaFor(pathItem: Record<string, unknown>, op: OperationObject) {
  const parameters = [
    ...((pathItem.parameters as OperationObject['parameters']) ?? []),
    ...(op.parameters ?? []),
  ];
  const group = (where: string) => {
    const list = parameters.filter((p) => p.in === where);
    if (list.length === 0) return undefined;
    return {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
      required: list.filter((p) => p.required).map((p) => p.name),
    };
  };
  const response: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses ?? {})) {
    const s = r.content?.['application/json']?.schema;
    if (status !== 'default' && s) response[status] = s;
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  const params = group('path');
  const querystring = group('query');
  return {
    ...(params ? { params } : {}),
    ...(querystring ? { querystring } : {}),
    ...(body ? { body } : {}),
    response,
  };
}

export interface RouterDeps {
  db: RootDb;
  document: OpenApiDocument;
  routes: RouteTable;
  now: () => Date;
}

export function registerOperations(app: FastifyInstance, deps: RouterDeps): string[] {
  const registered: string[] = [];
  for (const [path, pathItem] of Object.entries(deps.document.paths)) {
    for (const method of METHODS) {
      const op = pathItem[method] as OperationObject | undefined;
      if (!op?.operationId) continue;
      const def = deps.routes[op.operationId as OperationId] as RouteDef | undefined;
      if (!def) throw new Error(`No handler registered for operation ${op.operationId}`);
      const url = path.replace(/\{([^}]+)\}/g, ':$1');
      const options: RouteShorthandOptions = {
        schema: { ...schemaFor(pathItem, op), operationId: op.operationId },
      };
      // An optional body that is absent is validated as `{}` (ajv would refuse `undefined`).
      const optionalBody =
        op.requestBody !== undefined && (op.requestBody as { required?: boolean }).required !== true;
      app.route({
        method: method.toUpperCase() as 'GET',
        url,
        ...options,
        ...(optionalBody
          ? {
              preValidation: async (request: FastifyRequest) => {
                if (request.body === undefined || request.body === null) request.body = {};
              },
            }
          : {}),
        preHandler: async (request, reply) => {
          try {
            request.routeCtx = await guard(request, def.guard, deps);
          } finally {
            // Fastify's own "request completed" line logs through reply.log: give it the
            // actor and tenant the guard bound, also for a refusal.
            reply.log = request.log;
          }
        },
        handler: async (request, reply) =>
          def.handler(
            {
              params: request.params as never,
              query: request.query as never,
              body: request.body as never,
              request,
              reply,
            },
            request.routeCtx as never,
          ),
      });
      registered.push(op.operationId);
    }
  }
  return registered;
}

declare module 'fastify' {
  interface FastifyRequest {
    routeCtx: RequestCtx;
  }
}

async function guard(request: FastifyRequest, g: Guard, deps: RouterDeps): Promise<RequestCtx> {
  if (g === 'public') return { ctx: null, actor: null };
  let actor: Actor;
  try {
    actor = await resolveActor(deps.db, await request.tokenSubject());
  } catch (error) {
    await recordPlatformRefusal(deps.db, {
      action: request.routeOptions.schema?.operationId ?? 'unknown',
      target: request.url.split('?')[0] ?? '',
      requestId: request.id,
      detail: {
        reason: isDomainError(error) ? error.code : ((error as { code?: string }).code ?? 'token_invalid'),
      },
    });
    throw error;
  }
  request.log = request.log.child({ actor: actor.kind === 'staff' ? actor.username : actor.kind });
  if (g === 'staff') {
    if (actor.kind !== 'staff') {
      await recordPlatformRefusal(deps.db, {
        actor,
        action: 'staff_route',
        target: request.url,
        requestId: request.id,
      });
      throw new DomainError('forbidden', 'Endast för personal.');
    }
    return { ctx: null, actor };
  }
  const code = (request.params as { kommunkod?: string }).kommunkod ?? '';
  const now = deps.now();
  const citizenRoute = g === 'citizen' || (g.citizensToo === true && actor.kind === 'citizen');
  const { tenant, access } = await authorizeMunicipality(deps.db, {
    actor,
    code,
    action: citizenRoute ? 'citizen.self' : (g as { action: Action }).action,
    requestId: request.id,
    now,
  });
  request.log = request.log.child({ tenant: tenant.code, basis: access.basis });
  const ctx: Ctx = {
    db: deps.db,
    tenant,
    actor,
    access,
    requestId: request.id,
    log: request.log,
    now: deps.now,
  };
  return { ctx, actor };
}
