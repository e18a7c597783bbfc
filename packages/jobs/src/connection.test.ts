import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_PREFIX, redisConnection } from './connection.ts';

describe('redisConnection', () => {
  it('configures workers to wait and producers to fail fast', () => {
    const worker = redisConnection('redis://127.0.0.1:6390', 'worker');
    const producer = redisConnection('redis://127.0.0.1:6390', 'producer', { queuePrefix: '{samverkan}' });
    try {
      expect(worker.prefix).toBe(DEFAULT_QUEUE_PREFIX);
      expect(worker.redis.options.maxRetriesPerRequest).toBeNull();
      expect(producer.redis.options.enableOfflineQueue).toBe(false);
      expect(producer.prefix).toBe('{samverkan}');
    } finally {
      worker.redis.disconnect();
      producer.redis.disconnect();
    }
  });

  it('refuses a prefix that would break key parsing', () => {
    expect(() => redisConnection('redis://127.0.0.1:6390', 'producer', { queuePrefix: 'a:b' })).toThrow(
      /prefix/,
    );
  });
});
