import { z } from 'zod';

const DEV_SECRET = 'samverkan-dev-secret-not-for-production';

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
    } catch {
      return false;
    }
  },
  { message: 'expected postgres://user@host:port/database' },
);

/** Parsed once in main.ts; nothing else reads process.env. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** The application role (what the API and worker use): token look-ups, connection check. */
  DATABASE_URL: postgresUrl.default('postgres://samverkan_app@127.0.0.1:5432/samverkan'),
  /** The owner: creates the database, migrates, provisions, exports and imports. */
  ADMIN_DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/samverkan'),
  /** The local development token issuer, the same variables and defaults as apps/api. */
  DEV_JWT_SECRET: z.string().min(16).default(DEV_SECRET),
  JWT_ISSUER: z.string().min(1).default('samverkan-dev'),
  JWT_AUDIENCE: z.string().min(1).default('samverkan-api'),
  /** Set by pnpm to the directory it was started from; relative --in/--out paths resolve against it. */
  INIT_CWD: z.string().optional(),
});

export type CliConfig = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): CliConfig {
  // An empty variable means "not set" (a blank line in .env), not an invalid value.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${lines}`);
  }
  return Object.freeze(parsed.data);
}
