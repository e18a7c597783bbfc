import { findMunicipality, platform, type RootDb } from '@samverkan/db';
import { DomainError } from '@samverkan/domain';

/**
 * What the robot reads per tenant that rarely changes — the municipality row, its delegation
 * rules and agreements, its guidelines and the riksnorm — kept in one worker process between
 * jobs, so a job does not reload and re-validate them.
 *
 * Nothing is trusted by age. Each job reads a stamp of that data together with its case (one
 * query; see `readCase` in run-robot.ts): an md5 of the rows it depends on. An entry is used
 * only while its stamp equals the job's; otherwise it is loaded again, after the stamp was read,
 * so a job never works with data older than what was committed before its case was read — as
 * without the cache. A change committed by the API (a new delegation rule, an ended one, a new
 * guideline version) is therefore seen by the next job in every worker process, with no message
 * between processes.
 */
export class RobotCache {
  /** Municipality code → schema: assigned by the platform when the tenant is created, never changed. */
  readonly #schemas = new Map<string, string>();
  readonly #entries = new Map<string, { stamp: string; value: Promise<unknown> }>();

  async schemaOf(db: RootDb, code: string): Promise<string> {
    const known = this.#schemas.get(code);
    if (known) return known;
    const row = await findMunicipality(platform(db), code);
    if (!row) throw new DomainError('municipality_not_found', `Kommun ${code} finns inte.`);
    this.#schemas.set(code, row.schemaName);
    return row.schemaName;
  }

  /**
   * The value stored under `key` if it was loaded for `stamp`, else `load()` (stored unless it
   * fails). Concurrent jobs with the same stamp share one load. A null stamp (the data is missing)
   * is never cached: `load` then reports what is missing.
   */
  get<T>(key: string, stamp: string | null, load: () => Promise<T>): Promise<T> {
    if (stamp === null) return load();
    const hit = this.#entries.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = load();
    const entry = { stamp, value };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** Entries held (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }
}
