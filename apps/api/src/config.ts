import { z } from 'zod';

const DEV_SECRET = 'samverkan-dev-secret-not-for-production';

/** Parsed once at boot from the environment; nothing else reads process.env. */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().url().default('postgres://samverkan_app@127.0.0.1:5432/samverkan'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Register adapter endpoint (the local simulator in development). */
    REGISTER_URL: z.string().url().default('http://127.0.0.1:4010'),
    /** Production: the identity provider's keys (JWKS URL or PEM public key) plus issuer and audience. */
    JWT_JWKS_URL: z.string().url().optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_ISSUER: z.string().default('samverkan-dev'),
    JWT_AUDIENCE: z.string().default('samverkan-api'),
    /** Claim holding a citizen's personnummer in e-legitimation tokens. */
    JWT_CITIZEN_CLAIM: z.string().default('personnummer'),
    /** Claim holding a staff member's username. */
    JWT_USERNAME_CLAIM: z.string().default('sub'),
    /** Development issuer (refused in production). */
    DEV_JWT_SECRET: z.string().min(16).default(DEV_SECRET),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(262_144),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_JWKS_URL && !env.JWT_PUBLIC_KEY) {
        ctx.addIssue({
          code: 'custom',
          message: 'production needs JWT_JWKS_URL or JWT_PUBLIC_KEY',
          path: ['JWT_JWKS_URL'],
        });
      }
      if (env.JWT_ISSUER === 'samverkan-dev') {
        ctx.addIssue({
          code: 'custom',
          message: 'the development issuer is refused in production',
          path: ['JWT_ISSUER'],
        });
      }
    }
  });

export type ApiConfig = Readonly<z.infer<typeof schema>> & { readonly devIssuer: boolean };

export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const devIssuer =
    parsed.data.NODE_ENV !== 'production' && !parsed.data.JWT_JWKS_URL && !parsed.data.JWT_PUBLIC_KEY;
  return Object.freeze({ ...parsed.data, devIssuer });
}
