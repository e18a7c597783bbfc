/** Money is integer öre everywhere; kronor only at the edges (display, files). */
export type Ore = number;

export const kronor = (kr: number): Ore => Math.round(kr * 100);

export function assertOre(value: number): asserts value is Ore {
  if (!Number.isSafeInteger(value)) throw new RangeError(`Not an integer öre amount: ${value}`);
}

/** "1 234,50 kr" — Swedish display with a non-breaking thin grouping. */
export function formatKronor(ore: Ore): string {
  const sign = ore < 0 ? '−' : '';
  const abs = Math.abs(ore);
  const kr = Math.floor(abs / 100);
  const rest = abs % 100;
  const grouped = String(kr).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${grouped}${rest ? `,${String(rest).padStart(2, '0')}` : ''} kr`;
}
