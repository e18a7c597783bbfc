import { addDays, formatIsoDate, parseIsoDate, weekday } from './iso-date.ts';

export type HolidayKind = 'public_holiday' | 'non_working_eve';

export interface SwedishHoliday {
  readonly date: string;
  readonly name: string;
  readonly kind: HolidayKind;
}

/** Easter Sunday (Gregorian; anonymous algorithm, Meeus/Jones/Butcher) as an ISO date. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatIsoDate(year, month, day);
}

/** The Saturday in [from, from + 6]. */
const saturdayFrom = (from: string): string => addDays(from, (6 - weekday(from) + 7) % 7);

const cache = new Map<number, readonly SwedishHoliday[]>();

/**
 * Swedish public holidays (lag 1989:253 om allmänna helgdagar, plus nationaldagen) and the eves
 * that are de facto non-working days (midsommarafton, julafton, nyårsafton), sorted by date.
 */
export function swedishHolidays(year: number): readonly SwedishHoliday[] {
  const cached = cache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const midsummerDay = saturdayFrom(formatIsoDate(year, 6, 20));
  const d = (month: number, day: number): string => formatIsoDate(year, month, day);
  const pub = (date: string, name: string): SwedishHoliday => ({ date, name, kind: 'public_holiday' });
  const eve = (date: string, name: string): SwedishHoliday => ({ date, name, kind: 'non_working_eve' });
  const list = [
    pub(d(1, 1), 'Nyårsdagen'),
    pub(d(1, 6), 'Trettondedag jul'),
    pub(addDays(easter, -2), 'Långfredagen'),
    pub(easter, 'Påskdagen'),
    pub(addDays(easter, 1), 'Annandag påsk'),
    pub(d(5, 1), 'Första maj'),
    pub(addDays(easter, 39), 'Kristi himmelsfärds dag'),
    pub(addDays(easter, 49), 'Pingstdagen'),
    pub(d(6, 6), 'Sveriges nationaldag'),
    eve(addDays(midsummerDay, -1), 'Midsommarafton'),
    pub(midsummerDay, 'Midsommardagen'),
    pub(saturdayFrom(d(10, 31)), 'Alla helgons dag'),
    eve(d(12, 24), 'Julafton'),
    pub(d(12, 25), 'Juldagen'),
    pub(d(12, 26), 'Annandag jul'),
    eve(d(12, 31), 'Nyårsafton'),
  ].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  cache.set(year, list);
  return list;
}

/** The 13 public holidays of a year (ISO dates, sorted). */
export const swedishPublicHolidays = (year: number): string[] =>
  swedishHolidays(year)
    .filter((h) => h.kind === 'public_holiday')
    .map((h) => h.date);

/** Public holidays plus midsommarafton, julafton and nyårsafton (ISO dates, sorted). */
export const swedishNonWorkingDays = (year: number): string[] => swedishHolidays(year).map((h) => h.date);

/** Monday–Friday and neither a public holiday nor a non-working eve. */
export function isWorkingDay(isoDate: string): boolean {
  const { year } = parseIsoDate(isoDate);
  const wd = weekday(isoDate);
  if (wd === 0 || wd === 6) return false;
  return !swedishHolidays(year).some((h) => h.date === isoDate);
}

/** The first working day strictly after `isoDate`. */
export function nextWorkingDay(isoDate: string): string {
  let d = addDays(isoDate, 1);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** The last working day strictly before `isoDate`. */
export function previousWorkingDay(isoDate: string): string {
  let d = addDays(isoDate, -1);
  while (!isWorkingDay(d)) d = addDays(d, -1);
  return d;
}

/**
 * Moves `n` working days forward (n > 0) or back (n < 0). n = 0 returns the date unchanged,
 * even when it is not a working day.
 */
export function addWorkingDays(isoDate: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Not an integer number of days: ${n}`);
  parseIsoDate(isoDate);
  let d = isoDate;
  for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? nextWorkingDay(d) : previousWorkingDay(d);
  return d;
}
