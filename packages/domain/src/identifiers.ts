import { DomainError } from './errors.ts';

/** Luhn check digit over a string of digits (weights 2,1,2,1… from the left, as Skatteverket specifies). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const product = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

export interface Personnummer {
  /** 12 digits, YYYYMMDDNNNC: the storage form. */
  readonly value: string;
  /** Samordningsnummer: day of month + 60. */
  readonly isCoordinationNumber: boolean;
  /** The date part as a calendar date (day − 60 for samordningsnummer). Not a guaranteed birth date. */
  readonly dateOfBirth: string;
}

const PNR_PATTERN = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

/**
 * Parses a personnummer or samordningsnummer in 10- or 12-digit form, with or without
 * separator. `today` resolves the century of a 10-digit form ('+' means 100 years or older).
 */
export function parsePersonnummer(input: string, today: Date = new Date()): Personnummer {
  const m = PNR_PATTERN.exec(input.trim().replace(/\s/g, ''));
  if (!m) throw new DomainError('invalid_personnummer', 'Personnumret har fel format.');
  const [, century, yy = '', mm = '', ddRaw = '', sep, serial = '', check = ''] = m;
  const dd = Number(ddRaw);
  const isCoordinationNumber = dd > 60;
  const day = isCoordinationNumber ? dd - 60 : dd;
  let fullYear: number;
  if (century) {
    fullYear = Number(century + yy);
  } else {
    const thisYear = today.getUTCFullYear();
    fullYear = Math.floor(thisYear / 100) * 100 + Number(yy);
    if (fullYear > thisYear) fullYear -= 100;
    if (sep === '+') fullYear -= 100;
  }
  const month = Number(mm);
  const date = new Date(Date.UTC(fullYear, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new DomainError('invalid_personnummer', 'Personnumret innehåller ett ogiltigt datum.');
  }
  if (luhnCheckDigit(`${yy}${mm}${ddRaw}${serial}`) !== Number(check)) {
    throw new DomainError('invalid_personnummer', 'Personnumrets kontrollsiffra stämmer inte.');
  }
  const yyyy = String(fullYear).padStart(4, '0');
  return {
    value: `${yyyy}${mm}${ddRaw}${serial}${check}`,
    isCoordinationNumber,
    dateOfBirth: `${yyyy}-${mm}-${String(day).padStart(2, '0')}`,
  };
}

export function isValidPersonnummer(input: string): boolean {
  try {
    parsePersonnummer(input);
    return true;
  } catch {
    return false;
  }
}

/** Display form YYYYMMDD-NNNC (the '+' century marker is a display concern of 10-digit forms only). */
export const formatPersonnummer = (value12: string): string => `${value12.slice(0, 8)}-${value12.slice(8)}`;

/** Organisation number: 10 digits, Luhn; group digit 2 = state/municipality (municipalities start 212000-). */
export function parseOrganisationNumber(input: string): string {
  const digits = input.trim().replace('-', '');
  if (!/^\d{10}$/.test(digits) || Number(digits[2]) < 2) {
    throw new DomainError('invalid_organisation_number', 'Organisationsnumret har fel format.');
  }
  if (luhnCheckDigit(digits.slice(0, 9)) !== Number(digits[9])) {
    throw new DomainError('invalid_organisation_number', 'Organisationsnumrets kontrollsiffra stämmer inte.');
  }
  return digits;
}

/** Kommunkod: four digits, county (01–25) + municipality. */
export const MUNICIPALITY_CODE_PATTERN = /^(0[1-9]|1\d|2[0-5])\d{2}$/;

export function parseMunicipalityCode(input: string): string {
  if (!MUNICIPALITY_CODE_PATTERN.test(input)) {
    throw new DomainError('invalid_municipality_code', 'Kommunkoden måste vara fyra siffror (t.ex. 1263).');
  }
  return input;
}
