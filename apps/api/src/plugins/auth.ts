import fastifyJwt from '@fastify/jwt';
import type { TokenSubject } from '@samverkan/core';
import { DomainError } from '@samverkan/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import buildGetJwks from 'get-jwks';
import type { ApiConfig } from '../config.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Record<string, unknown>;
    user: Record<string, unknown>;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    tokenSubject(): Promise<TokenSubject>;
  }
}

/**
 * Bearer tokens. In production they come from the municipality's identity provider and are
 * verified by its public key (JWKS URL or PEM) with issuer and audience checked. In
 * development a built-in HS256 issuer is used (the CLI's `token` command); it is refused when
 * NODE_ENV=production (config.ts).
 */
export const auth = fp(
  async (app: FastifyInstance, opts: { config: ApiConfig }) => {
    const { config } = opts;
    const verify = {
      allowedIss: config.JWT_ISSUER,
      allowedAud: config.JWT_AUDIENCE,
      algorithms: [] as string[],
    };
    if (config.JWT_JWKS_URL) {
      const jwksUrl = new URL(config.JWT_JWKS_URL);
      const getJwks = buildGetJwks({ jwksPath: jwksUrl.pathname, providerDiscovery: false, ttl: 600_000 });
      await app.register(fastifyJwt, {
        decode: { complete: true },
        secret: async (_request: FastifyRequest, token: unknown) => {
          const { header } = token as { header: { kid?: string; alg?: string } };
          return getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: jwksUrl.origin });
        },
        verify: { ...verify, algorithms: ['RS256', 'ES256', 'PS256'] },
      });
    } else if (config.JWT_PUBLIC_KEY) {
      await app.register(fastifyJwt, {
        secret: { public: config.JWT_PUBLIC_KEY },
        verify: { ...verify, algorithms: ['RS256', 'ES256', 'PS256'] },
      });
    } else {
      await app.register(fastifyJwt, {
        secret: config.DEV_JWT_SECRET,
        sign: { iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, expiresIn: '8h' },
        verify: { ...verify, algorithms: ['HS256'] },
      });
    }

    app.decorateRequest('tokenSubject', async function (this: FastifyRequest): Promise<TokenSubject> {
      if (!this.headers.authorization)
        throw new DomainError('unauthenticated', 'Inloggning krävs (Bearer-token).');
      const payload = await this.jwtVerify<Record<string, unknown>>();
      const personnummer = payload[config.JWT_CITIZEN_CLAIM];
      if (typeof personnummer === 'string') return { kind: 'citizen', personnummer };
      const username = payload[config.JWT_USERNAME_CLAIM];
      if (typeof username === 'string' && username.length > 0) return { kind: 'staff', username };
      throw new DomainError('unauthenticated', 'Token saknar användaridentitet.');
    });
  },
  { name: 'auth' },
);
