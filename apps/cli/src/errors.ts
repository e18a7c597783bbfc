/**
 * An error the user can fix (bad input, a refused operation, an unreachable database). main.ts
 * prints its message without a stack trace and exits with 1. Anything else is a bug and keeps
 * its stack.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** A command whose `--help` the user should read. */
    readonly usageOf?: string,
  ) {
    super(message);
  }
}

const PG_MESSAGES: Record<string, (e: PgLikeError) => string> = {
  '3D000': (e) => `${e.message}. Run \`pnpm cli up\` to create and migrate it.`,
  '28000': (e) => `${e.message}. Run \`pnpm cli up\` (it creates the application role).`,
  '42P01': (e) => `${e.message}. The database is not migrated: run \`pnpm cli migrate\`.`,
  '3F000': (e) => `${e.message}. The database is not migrated: run \`pnpm cli migrate\`.`,
};

interface PgLikeError {
  message: string;
  code?: unknown;
}

const isPgLike = (e: unknown): e is PgLikeError => e instanceof Error;

/** Connection and "not set up yet" failures are environment problems, not bugs: say what to do. */
export function asEnvironmentError(error: unknown, what: string): CliError | undefined {
  if (!isPgLike(error)) return undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && code in PG_MESSAGES) return new CliError(PG_MESSAGES[code]?.(error) ?? error.message);
  const connectionCodes = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'];
  const nested = error instanceof AggregateError ? error.errors : [];
  const codes = [code, ...nested.map((e: unknown) => (isPgLike(e) ? e.code : undefined))];
  if (codes.some((c) => typeof c === 'string' && connectionCodes.includes(c))) {
    return new CliError(
      `Cannot connect to PostgreSQL at ${what}. Is it running? (infra/dev starts it on 127.0.0.1:5432)`,
    );
  }
  return undefined;
}

/** The host part of a connection string, without credentials, for messages. */
export function describeUrl(connectionString: string): string {
  const url = new URL(connectionString);
  return `${url.username || '(default user)'}@${url.host}${url.pathname}`;
}
