import { randomUUID } from 'node:crypto';

interface Flight<O> {
  schema: string;
  companion: boolean;
  done: Promise<O | undefined>;
}

/**
 * How long a worker process holds a waiting case it took along as a companion (applications'
 * robot_lease_*): other processes neither take it along nor assess it for its own job meanwhile.
 * A companion's attempt takes well under a second; an expired lease (the process died) is
 * taken over.
 */
export const COMPANION_LEASE_S = 30;
/** How often a job whose case another process has leased looks whether that attempt is done. */
export const LEASE_POLL_MS = 100;
/** How long a companion that failed is not taken along again (its own job still runs it). */
export const COMPANION_REST_MS = 5 * 60_000;
/** How long a tenant's jobs take no companions after one failed (e.g. SSBTEK is down). */
export const COMPANION_PAUSE_MS = 15_000;

/**
 * The cases this worker process is assessing right now. A job whose case is already being
 * assessed here — taken as another job's companion, or a second delivery of the same job —
 * waits for that attempt instead of repeating it; the robot's search for companions skips
 * these cases. `O` is the attempt's result; `undefined` means it ended without one (an error),
 * so the waiting job goes on and does the work itself.
 *
 * It also keeps the process's budget of companions (`reserve`/`release`) and remembers failed
 * companions (`failed`), so that a case that keeps failing, or a register that is down, does
 * not make every later job of the tenant repeat the same failing calls: retries are its own
 * job's, with its backoff. One per worker process, shared by all its database pools.
 */
export class InFlight<O> {
  readonly #flights = new Map<string, Flight<O>>();
  /** Companion places reserved by reads under way or held by companions being assessed. */
  #companions = 0;
  readonly #resting = new Map<string, { schema: string; until: number }>();
  readonly #paused = new Map<string, number>();
  readonly #now: () => number;
  /** This process, as the owner of the leases of its companions (see COMPANION_LEASE_S). */
  readonly owner: string;

  constructor(options: { now?: () => number; owner?: string } = {}) {
    this.#now = options.now ?? Date.now;
    this.owner = options.owner ?? randomUUID();
  }

  /** Companion places taken right now: reserved by a read under way, or being assessed. */
  get companions(): number {
    return this.#companions;
  }

  /**
   * Reserves up to `wanted` companion places within `cap`, synchronously, so concurrent reads
   * cannot together exceed it. Each companion begun (`begin(…, true)`) holds one place until it
   * ends; the places not used must be given back with `release`.
   */
  reserve(wanted: number, cap: number): number {
    const granted = Math.max(0, Math.min(wanted, cap - this.#companions));
    this.#companions += granted;
    return granted;
  }

  release(places: number): void {
    this.#companions -= places;
  }

  /**
   * Marks the case (lower-case id) as being assessed; the returned function ends the flight
   * with its result and must be called exactly once. Undefined if the case is already in flight.
   * A companion uses a place reserved with `reserve`, which its end gives back.
   */
  begin(schema: string, id: string, companion: boolean): ((result: O | undefined) => void) | undefined {
    if (this.#flights.has(id)) return undefined;
    let resolve!: (result: O | undefined) => void;
    const done = new Promise<O | undefined>((r) => {
      resolve = r;
    });
    this.#flights.set(id, { schema, companion, done });
    let ended = false;
    return (result) => {
      if (ended) return;
      ended = true;
      this.#flights.delete(id);
      if (companion) this.#companions -= 1;
      resolve(result);
    };
  }

  /** The running attempt's outcome, if the case (lower-case id) is in flight. */
  wait(id: string): Promise<O | undefined> | undefined {
    return this.#flights.get(id)?.done;
  }

  /** A companion's attempt failed: not taken along again for a while, nor the tenant's others. */
  failed(schema: string, id: string): void {
    const now = this.#now();
    this.#resting.set(id, { schema, until: now + COMPANION_REST_MS });
    this.#paused.set(schema, now + COMPANION_PAUSE_MS);
  }

  /** Whether the tenant's jobs take no companions now (one failed a moment ago). */
  paused(schema: string): boolean {
    const until = this.#paused.get(schema);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#paused.delete(schema);
    return false;
  }

  /** The tenant's cases not to take as companions (lower-case ids): in flight, or resting. */
  skip(schema: string): string[] {
    const ids: string[] = [];
    for (const [id, flight] of this.#flights) if (flight.schema === schema) ids.push(id);
    const now = this.#now();
    for (const [id, rest] of this.#resting) {
      if (rest.until <= now) this.#resting.delete(id);
      else if (rest.schema === schema) ids.push(id);
    }
    return ids;
  }
}
