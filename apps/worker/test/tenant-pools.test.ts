import { shardOf } from '@samverkan/db';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('tenant affinity of the robot pools', () => {
  it('puts a municipality in the same pool every time, within range', () => {
    for (const code of ['1287', '1263', '0180', '2584']) {
      const shard = shardOf(code, 4);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(4);
      expect(shardOf(code, 4)).toBe(shard);
    }
    expect(shardOf('1287', 1)).toBe(0);
  });

  it("spreads Sweden's 290 municipality codes over the pools without a crowded one", () => {
    // Codes shaped like the real ones: county 01–25, two digits of municipality.
    const codes = Array.from({ length: 290 }, (_, i) => {
      const county = String((i % 25) + 1).padStart(2, '0');
      return `${county}${String(Math.floor(i / 25) * 3 + 14).padStart(2, '0')}`;
    });
    expect(new Set(codes).size).toBe(290);
    const perShard = [0, 0, 0, 0];
    for (const code of codes) perShard[shardOf(code, 4)] = (perShard[shardOf(code, 4)] ?? 0) + 1;
    // An even spread is 72.5 each; allow a third either way.
    for (const n of perShard) {
      expect(n).toBeGreaterThan(48);
      expect(n).toBeLessThan(97);
    }
  });
});

describe('robot pool configuration', () => {
  it('refuses more pools than the connections allow (two each)', () => {
    expect(() => loadConfig({ ROBOT_DB_SHARDS: '9', ROBOT_DB_POOL_SIZE: '16' })).toThrow(/ROBOT_DB_SHARDS/);
    expect(loadConfig({ ROBOT_DB_SHARDS: '8', ROBOT_DB_POOL_SIZE: '16' }).ROBOT_DB_SHARDS).toBe(8);
    expect(loadConfig({ ROBOT_DB_SHARDS: '1', ROBOT_DB_POOL_SIZE: '2' }).ROBOT_DB_SHARDS).toBe(1);
  });

  it('defaults to 8 pools of 2, generic plans and 96 prepared statements, and refuses other plan modes', () => {
    const defaults = loadConfig({});
    expect(defaults.ROBOT_DB_SHARDS * 2).toBeLessThanOrEqual(defaults.ROBOT_DB_POOL_SIZE);
    expect(defaults.ROBOT_DB_PLAN_CACHE_MODE).toBe('force_generic_plan');
    expect(defaults.ROBOT_DB_MAX_PREPARED).toBe(96);
    expect(loadConfig({ ROBOT_DB_PLAN_CACHE_MODE: 'auto' }).ROBOT_DB_PLAN_CACHE_MODE).toBe('auto');
    expect(() => loadConfig({ ROBOT_DB_PLAN_CACHE_MODE: 'force_custom_plan' })).toThrow(
      /ROBOT_DB_PLAN_CACHE_MODE/,
    );
    expect(() => loadConfig({ ROBOT_DB_MAX_PREPARED: '-1' })).toThrow(/ROBOT_DB_MAX_PREPARED/);
    expect([defaults.ROBOT_COMPANIONS, defaults.ROBOT_COMPANIONS_IN_FLIGHT]).toEqual([15, 64]);
    expect(loadConfig({ ROBOT_COMPANIONS: '0' }).ROBOT_COMPANIONS).toBe(0);
    // A read's companions and the job's own case must fit one write batch (32).
    expect(() => loadConfig({ ROBOT_COMPANIONS: '32' })).toThrow(/ROBOT_COMPANIONS/);
  });
});
