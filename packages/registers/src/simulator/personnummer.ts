import { luhnCheckDigit } from '@samverkan/domain';

/**
 * A valid 12-digit personnummer from a date 'YYYYMMDD' (day + 60 for a samordningsnummer) and
 * three serial digits (odd last digit: man, even: woman). Handy for tests and the trigger table.
 */
export function buildPersonnummer(date: string, serial: string): string {
  if (!/^\d{8}$/.test(date) || !/^\d{3}$/.test(serial)) {
    throw new RangeError('buildPersonnummer expects YYYYMMDD and three serial digits');
  }
  return `${date}${serial}${luhnCheckDigit(`${date.slice(2)}${serial}`)}`;
}
