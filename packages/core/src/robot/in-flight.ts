interface Flight<O> {
  schema: string;
  companion: boolean;
  done: Promise<O | undefined>;
}

/**
 * The cases this worker process is assessing right now. A job whose case is already being
 * assessed here — taken as another job's companion, or a second delivery of the same job —
 * waits for that attempt instead of repeating it; the robot's search for companions skips
 * these cases. `O` is the attempt's result; `undefined` means it ended without one (an error),
 * so the waiting job goes on and does the work itself.
 */
export class InFlight<O> {
  readonly #flights = new Map<string, Flight<O>>();
  #companions = 0;

  /** Companions being assessed right now (bounded by RobotBatches' `companions.inFlight`). */
  get companions(): number {
    return this.#companions;
  }

  /**
   * Marks the case (lower-case id) as being assessed; the returned function ends the flight
   * with its result and must be called exactly once. Undefined if the case is already in flight.
   */
  begin(schema: string, id: string, companion: boolean): ((result: O | undefined) => void) | undefined {
    if (this.#flights.has(id)) return undefined;
    let resolve!: (result: O | undefined) => void;
    const done = new Promise<O | undefined>((r) => {
      resolve = r;
    });
    this.#flights.set(id, { schema, companion, done });
    if (companion) this.#companions += 1;
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

  /** The tenant's cases in flight (lower-case ids). */
  ids(schema: string): string[] {
    const ids: string[] = [];
    for (const [id, flight] of this.#flights) if (flight.schema === schema) ids.push(id);
    return ids;
  }
}
