import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';

/**
 * Statements that run thousands of times an hour with the same text (the robot's read and write,
 * per tenant) are worth preparing: PostgreSQL then parses them once per connection and, after a
 * few runs, reuses a generic plan instead of planning each time — for the robot's read, planning
 * took three times as long as running it. A statement opts in by starting with this comment.
 */
export const PREPARED_MARK = '/* prepared */ ';

/** The query, marked to run as a named prepared statement. */
export function asPrepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  return { ...query, sql: PREPARED_MARK + query.sql };
}

/**
 * How many marked statements one connection keeps prepared. Each holds its analysed query and
 * plan in the server process — measured 2026-12-01: about 200 KB for the robot's read with its
 * generic plan, about 0.5 MB for a write — so 32 bound a backend to roughly 10 MB. Past the cap
 * a marked statement runs unprepared on that connection (correct, only slower). With one read
 * and two or three write shapes per tenant, 32 cover about ten tenants per connection; a host
 * serving hundreds keeps the first ones prepared (statement text names the tenant's schema, so
 * tenants cannot share one).
 */
export const MAX_PREPARED_PER_CONNECTION = 32;

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `sv_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A pg client class that runs marked statements (`PREPARED_MARK`) as named prepared statements,
 * named by a hash of their text so the same text always has the same name, keeping at most
 * `maxPrepared` per connection. Everything else is passed through unchanged. Used as the pool's
 * `Client`.
 */
export function preparingClient(maxPrepared: number = MAX_PREPARED_PER_CONNECTION): typeof pg.Client {
  if (!Number.isInteger(maxPrepared) || maxPrepared < 0) {
    throw new Error(`preparingClient: maxPrepared must be a whole number ≥ 0, got ${maxPrepared}`);
  }
  return class PreparingClient extends pg.Client {
    readonly #prepared = new Set<string>();

    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads of query() are not expressible in a subclass
    override query(config: any, values?: any, callback?: any): any {
      if (typeof config === 'string' && config.startsWith(PREPARED_MARK)) {
        const name = statementName(config);
        if (this.#prepared.has(name)) return super.query({ name, text: config, values }, callback);
        if (this.#prepared.size < maxPrepared && callback === undefined) {
          // Counted once prepared: a statement that failed to prepare takes no place.
          const result = super.query({ name, text: config, values });
          return result.then((r: unknown) => {
            this.#prepared.add(name);
            return r;
          });
        }
      }
      return super.query(config, values, callback);
    }
  };
}
