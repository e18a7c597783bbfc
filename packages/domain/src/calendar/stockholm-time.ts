import { DomainError } from '../errors.ts';
import { isWorkingDay, nextWorkingDay, previousWorkingDay } from './holidays.ts';
import { addDays, daysInMonth, formatIsoDate, parseIsoDate, parseIsoMonth } from './iso-date.ts';

export const STOCKHOLM_TIME_ZONE = 'Europe/Stockholm';

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: STOCKHOLM_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localParts(instant: Date): LocalParts {
  if (Number.isNaN(instant.getTime())) throw new DomainError('validation_failed', 'Ogiltig tidpunkt.');
  const parts = formatter.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Stockholm's UTC offset (ms) at an instant: +1 h in winter, +2 h in summer. */
function offsetMs(instantMs: number): number {
  const p = localParts(new Date(instantMs));
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The calendar date (YYYY-MM-DD) in Stockholm at an instant. */
export function stockholmDate(instant: Date): string {
  const p = localParts(instant);
  return formatIsoDate(p.year, p.month, p.day);
}

/**
 * The instant local midnight begins a date in Stockholm. Midnight always exists there (the DST
 * switches happen at 02:00/03:00), so two offset look-ups settle it.
 */
export function stockholmStartOfDay(isoDate: string): Date {
  const { year, month, day } = parseIsoDate(isoDate);
  const naive = Date.UTC(year, month - 1, day);
  let guess = naive - offsetMs(naive);
  guess = naive - offsetMs(guess);
  return new Date(guess);
}

/** 23:59:59.999 Stockholm time on a date (the ms before the next local midnight). */
export const stockholmEndOfDay = (isoDate: string): Date =>
  new Date(stockholmStartOfDay(addDays(isoDate, 1)).getTime() - 1);

/**
 * "Beslut i morgon": a decision is due by the end (23:59:59.999 Stockholm time) of the first
 * working day after the local date the application was submitted. A Friday-evening or weekend
 * submission is due Monday night (if Monday is a working day).
 */
export const decisionDueAt = (submittedAt: Date): Date =>
  stockholmEndOfDay(nextWorkingDay(stockholmDate(submittedAt)));

/** True when the decision was taken after the submission and no later than decisionDueAt. */
export const isWithinNextWorkingDay = (submittedAt: Date, decidedAt: Date): boolean =>
  decidedAt.getTime() >= submittedAt.getTime() && decidedAt.getTime() <= decisionDueAt(submittedAt).getTime();

/**
 * The payment date for a month: the tenant's payment day (1–28), moved back to the previous
 * working day when it falls on a weekend, public holiday or non-working eve.
 */
export function paymentDateFor(month: string, paymentDay: number): string {
  const { year, month: m } = parseIsoMonth(month);
  if (!Number.isInteger(paymentDay) || paymentDay < 1 || paymentDay > Math.min(28, daysInMonth(year, m))) {
    throw new DomainError('validation_failed', 'Utbetalningsdagen måste vara ett heltal 1–28.', {
      paymentDay,
    });
  }
  const date = formatIsoDate(year, m, paymentDay);
  return isWorkingDay(date) ? date : previousWorkingDay(date);
}
