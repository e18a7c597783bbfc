import { Redis } from 'ioredis';

/**
 * Default BullMQ key prefix. For Redis Cluster use a hash tag, `{samverkan}`: every key of
 * every queue then hashes to one slot, which BullMQ's multi-key Lua scripts need.
 */
export const DEFAULT_QUEUE_PREFIX = 'samverkan';
const PREFIX_PATTERN = /^[A-Za-z0-9_{}.-]{1,64}$/;

export type RedisRole = 'worker' | 'producer';

export interface RedisConnectionOptions {
  /** BullMQ key prefix (default `samverkan`; `{samverkan}` hash-tags it for Redis Cluster). */
  queuePrefix?: string;
  /** Shown by `CLIENT LIST`. */
  connectionName?: string;
}

/** An ioredis connection together with the BullMQ prefix every Queue/Worker on it must use. */
export interface QueueConnection {
  redis: Redis;
  prefix: string;
  role: RedisRole;
}

/**
 * - `worker`: `maxRetriesPerRequest: null`, as BullMQ requires for blocking commands; commands
 *   wait through a reconnect instead of failing.
 * - `producer`: `enableOfflineQueue: false`, so a caller fails fast while Redis is down
 *   (the outbox keeps the work) instead of piling commands up in memory.
 * The caller owns the connection: attach an `error` listener and `quit()` it at shutdown.
 */
export function redisConnection(
  url: string,
  role: RedisRole,
  options: RedisConnectionOptions = {},
): QueueConnection {
  const prefix = options.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`Invalid queue prefix ${JSON.stringify(prefix)}`);
  const common = options.connectionName ? { connectionName: options.connectionName } : {};
  const redis =
    role === 'worker'
      ? new Redis(url, { ...common, maxRetriesPerRequest: null })
      : new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  return { redis, prefix, role };
}
