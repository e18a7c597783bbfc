/** One item's outcome in a batch: its value, or the error that item alone failed with. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

interface Lane<I, O> {
  running: boolean;
  waiting: Waiting<I, O>[];
}

/**
 * Group commit for work items that share a key (the robot's reads and writes, per tenant): while
 * a batch for a key runs, later items for that key wait, and the next batch takes all that
 * waited (up to `maxBatch`). An item that finds nothing running for its key starts at once,
 * alone — so nothing waits for a timer when the worker is idle, and under load the batches grow
 * with the load by themselves. One batch in flight per key.
 *
 * `run` answers per item, in order; if it throws, every item of that batch fails with its error.
 */
export class Coalescer<I, O> {
  readonly #lanes = new Map<string, Lane<I, O>>();
  readonly #run: (key: string, items: I[]) => Promise<Settled<O>[]>;
  readonly #maxBatch: number;
  /** Batches run, items in them, and the largest batch so far (for tests and diagnostics). */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(run: (key: string, items: I[]) => Promise<Settled<O>[]>, options: { maxBatch?: number } = {}) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 32;
    if (!Number.isInteger(this.#maxBatch) || this.#maxBatch < 1) {
      throw new Error(`Coalescer: maxBatch must be a positive integer, got ${this.#maxBatch}`);
    }
  }

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let lane = this.#lanes.get(key);
      if (!lane) {
        lane = { running: false, waiting: [] };
        this.#lanes.set(key, lane);
      }
      lane.waiting.push({ item, resolve, reject });
      if (!lane.running) void this.#drain(key, lane);
    });
  }

  /** Runs the lane's batches until nobody waits; never throws (every item gets an answer). */
  async #drain(key: string, lane: Lane<I, O>): Promise<void> {
    lane.running = true;
    while (lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, this.#maxBatch);
      this.stats.batches += 1;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      let results: unknown;
      try {
        results = await this.#run(
          key,
          batch.map((w) => w.item),
        );
      } catch (error) {
        for (const w of batch) w.reject(error);
        continue;
      }
      batch.forEach((w, i) => {
        const result = Array.isArray(results) ? (results[i] as Settled<O> | null | undefined) : undefined;
        if (result?.ok === true) w.resolve(result.value);
        else if (result?.ok === false) w.reject(result.error);
        else w.reject(new Error(`Coalescer: the batch of ${batch.length} gave no answer for item ${i}`));
      });
    }
    lane.running = false;
    this.#lanes.delete(key);
  }
}
