import { DomainError, daysInMonth, formatIsoDate, formatSwedishMonth, type Ore } from '@samverkan/domain';

/**
 * Pure billing arithmetic: periods, indexation and the monthly share of a yearly amount.
 * All money is integer öre; every division rounds half up exactly once (BigInt, no floats).
 */

export type PeriodKind = 'monthly' | 'quarterly';

export interface BillingPeriod {
  /** 'YYYY-MM' (monthly) or 'YYYY-Qn' (quarterly). */
  readonly label: string;
  readonly kind: PeriodKind;
  readonly start: string;
  readonly end: string;
  /** The months of the period, 'YYYY-MM'. */
  readonly months: readonly string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
export const monthStart = (month: string) => `${month}-01`;
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return formatIsoDate(y, m, daysInMonth(y, m));
}

function periodOf(year: number, kind: PeriodKind, index: number): BillingPeriod {
  const firstMonth = kind === 'monthly' ? index : (index - 1) * 3 + 1;
  const count = kind === 'monthly' ? 1 : 3;
  const months = Array.from({ length: count }, (_, i) => `${year}-${pad(firstMonth + i)}`);
  return {
    label: kind === 'monthly' ? `${year}-${pad(index)}` : `${year}-Q${index}`,
    kind,
    start: monthStart(months[0] as string),
    end: monthEnd(months[months.length - 1] as string),
    months,
  };
}

/** '2026-03' → March 2026; '2026-Q2' → April–June 2026. */
export function parsePeriod(label: string): BillingPeriod {
  const monthly = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (monthly) return periodOf(Number(monthly[1]), 'monthly', Number(monthly[2]));
  const quarterly = /^(\d{4})-Q([1-4])$/.exec(label);
  if (quarterly) return periodOf(Number(quarterly[1]), 'quarterly', Number(quarterly[2]));
  throw new DomainError('validation_failed', `Ogiltig period: ${label} (ÅÅÅÅ-MM eller ÅÅÅÅ-Qn).`, {
    issues: [{ path: 'period', message: 'ÅÅÅÅ-MM eller ÅÅÅÅ-Qn' }],
  });
}

export function periodContaining(date: string, kind: PeriodKind): BillingPeriod {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return periodOf(year, kind, kind === 'monthly' ? month : Math.floor((month - 1) / 3) + 1);
}

/** The period before the one containing `today`: what a scheduled run without a period bills. */
export function previousPeriod(today: string, kind: PeriodKind): BillingPeriod {
  const current = periodContaining(today, kind);
  const [y, m] = current.start.split('-').map(Number) as [number, number];
  const back = kind === 'monthly' ? 1 : 3;
  const prev = m - back < 1 ? { y: y - 1, m: m - back + 12 } : { y, m: m - back };
  return periodContaining(formatIsoDate(prev.y, prev.m, 1), kind);
}

/** Swedish label: 'mars 2026', 'kvartal 2 2026'. */
export function periodText(period: BillingPeriod): string {
  if (period.kind === 'monthly') return formatSwedishMonth(period.label);
  return `kvartal ${period.label.slice(6)} ${period.label.slice(0, 4)}`;
}

/** n / d rounded half up, for n ≥ 0 and d > 0 (exact for any size via BigInt). */
export function divideHalfUp(n: number | bigint, d: number | bigint): number {
  const num = BigInt(n);
  const den = BigInt(d);
  if (num < 0n || den <= 0n) throw new RangeError('divideHalfUp needs n ≥ 0 and d > 0');
  return Number((num * 2n + den) / (2n * den));
}

export interface IndexEntry {
  readonly from: string;
  readonly percent: number;
}

/**
 * A price in force on a date: the base price raised by every indexation whose `from` is on or
 * before the date, in date order, each step rounded half up to the öre. Example: 3 992 500 kr
 * + 3.2 % from 2026-07-01 = 4 120 260 kr from July.
 */
export function indexedPrice(baseOre: Ore, indexation: readonly IndexEntry[], date: string): Ore {
  let price = baseOre;
  for (const entry of [...indexation].sort((a, b) => a.from.localeCompare(b.from))) {
    if (entry.from > date) break;
    const basisPoints = BigInt(Math.round(entry.percent * 100));
    const raised = BigInt(price) * (10_000n + basisPoints);
    if (raised < 0n) throw new RangeError('indexation below −100 %');
    price = divideHalfUp(raised, 10_000n);
  }
  return price;
}

/**
 * The fixed part of each month of a calendar year: yearly / 12, where the yearly amount is the
 * one in force on the 1st of the month. Rounded cumulatively: month m gets
 * round(C_m / 12) − round(C_(m−1) / 12), where C_m is the sum of the first m months' yearly
 * amounts. Each month is within one öre of its exact twelfth, and the twelve months add up to
 * round(C_12 / 12) — exactly the yearly amount in a year without indexation.
 */
export function fixedMonthShares(baseYearlyOre: Ore, indexation: readonly IndexEntry[], year: number): Ore[] {
  const shares: Ore[] = [];
  let cumulative = 0n;
  let previous = 0;
  for (let m = 1; m <= 12; m++) {
    cumulative += BigInt(indexedPrice(baseYearlyOre, indexation, formatIsoDate(year, m, 1)));
    const rounded = divideHalfUp(cumulative, 12n);
    shares.push(rounded - previous);
    previous = rounded;
  }
  return shares;
}

export function fixedShareForMonth(
  baseYearlyOre: Ore,
  indexation: readonly IndexEntry[],
  month: string,
): Ore {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return fixedMonthShares(baseYearlyOre, indexation, y)[m - 1] as Ore;
}

export interface OreRange {
  readonly fromOre: number;
  readonly toOre: number;
}

/**
 * The parts of a month's paid total (0, paidOre] that no live invoice has billed yet, given the
 * billed ranges (from exclusive, to inclusive). A credited invoice's ranges are no longer live,
 * so its part shows up here again and is billed on the next invoice.
 */
export function unbilledRanges(billed: readonly OreRange[], paidOre: number): OreRange[] {
  const gaps: OreRange[] = [];
  let cursor = 0;
  for (const r of [...billed].sort((a, b) => a.fromOre - b.fromOre)) {
    if (cursor >= paidOre) break;
    if (r.fromOre > cursor) gaps.push({ fromOre: cursor, toOre: Math.min(r.fromOre, paidOre) });
    cursor = Math.max(cursor, r.toOre);
  }
  if (cursor < paidOre) gaps.push({ fromOre: cursor, toOre: paidOre });
  return gaps.filter((g) => g.toOre > g.fromOre);
}
