import { buildPersonnummer } from '../src/index.ts';

/** A valid personnummer born 1985-03-12 with the given serial digits (see the trigger table). */
export const pnr = (serial: string, date = '19850312'): string => buildPersonnummer(date, serial);

/** Breaks the check digit of a valid personnummer. */
export const withBadCheckDigit = (value: string): string =>
  `${value.slice(0, 11)}${(Number(value.slice(11)) + 1) % 10}`;
