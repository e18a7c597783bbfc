import type { Ore } from '../money.ts';
import type { RoundingRule } from '../norms/tenant-guidelines.ts';

/** Rounds a positive amount by the tenant's rule ('nearest_krona' rounds 50 öre up). */
export function roundByRule(amountOre: Ore, rule: RoundingRule): Ore {
  switch (rule) {
    case 'none':
      return amountOre;
    case 'down_to_krona':
      return Math.floor(amountOre / 100) * 100;
    case 'nearest_krona':
      return Math.round(amountOre / 100) * 100;
    case 'down_to_ten_kronor':
      return Math.floor(amountOre / 1000) * 1000;
  }
}

export const ROUNDING_LABELS: Readonly<Record<RoundingRule, string>> = {
  none: 'ingen avrundning',
  down_to_krona: 'nedåt till hela kronor',
  nearest_krona: 'till närmaste hela krona',
  down_to_ten_kronor: 'nedåt till hela tiotal kronor',
};
