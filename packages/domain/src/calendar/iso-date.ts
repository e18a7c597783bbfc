import { DomainError } from '../errors.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Parses a real calendar date 'YYYY-MM-DD'; throws DomainError('validation_failed') otherwise. */
export function parseIsoDate(iso: string): DateParts {
  const m = ISO_DATE.exec(iso);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (!m || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    throw new DomainError('validation_failed', `Ogiltigt datum: ${iso}.`, { value: iso });
  }
  return { year, month, day };
}

/** Parses a month 'YYYY-MM'; throws DomainError('validation_failed') otherwise. */
export function parseIsoMonth(iso: string): { readonly year: number; readonly month: number } {
  const m = ISO_MONTH.exec(iso);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) {
    throw new DomainError('validation_failed', `Ogiltig månad: ${iso}.`, { value: iso });
  }
  return { year, month };
}

export const formatIsoDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** Days since 1970-01-01 for a calendar date (no time zone involved). */
export const epochDay = ({ year, month, day }: DateParts): number => Date.UTC(year, month - 1, day) / DAY_MS;

export function fromEpochDay(n: number): string {
  const d = new Date(n * DAY_MS);
  return formatIsoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Adds calendar days to an ISO date. */
export const addDays = (iso: string, days: number): string =>
  fromEpochDay(epochDay(parseIsoDate(iso)) + days);

/** Adds calendar months to a month 'YYYY-MM' (negative goes back): `addMonths('2026-01', -1)` = '2025-12'. */
export function addMonths(month: string, n: number): string {
  const { year, month: m } = parseIsoMonth(month);
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (iso: string): number => new Date(epochDay(parseIsoDate(iso)) * DAY_MS).getUTCDay();

/** Last day (28–31) of a month. */
export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

export const SWEDISH_MONTHS = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
] as const;

/** 'YYYY-MM' → 'mars 2026'. */
export function formatSwedishMonth(month: string): string {
  const { year, month: m } = parseIsoMonth(month);
  return `${SWEDISH_MONTHS[m - 1] ?? ''} ${year}`;
}
