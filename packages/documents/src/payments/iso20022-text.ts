import { DomainError } from '@samverkan/domain';

/**
 * The ISO 20022 Latin character set (the restricted set of the CGI-MP/EPC implementation
 * guidelines, which every Swedish bank accepts): a–z A–Z 0–9 / - ? : ( ) . , ' + and space.
 */
const LATIN_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
/** Identifiers: the same set without space; never starting or ending with '/' nor containing '//'. */
const LATIN_ID = /^[A-Za-z0-9/\-?:().,'+]+$/;

/** Letters that Unicode decomposition does not reduce to A–Z. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  Æ: 'AE',
  æ: 'ae',
  Ø: 'O',
  ø: 'o',
  ß: 'ss',
  Œ: 'OE',
  œ: 'oe',
  Đ: 'D',
  đ: 'd',
  Ł: 'L',
  ł: 'l',
  Þ: 'TH',
  þ: 'th',
  Ð: 'D',
  ð: 'd',
  '\u2013': '-',
  '\u2014': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u00b4': "'",
};

/**
 * A personnummer or samordningsnummer in 10- or 12-digit form (with '-', '+' or a space before the
 * last four digits, or none): a date-shaped YYMMDD (day + 60 for samordningsnummer) and four digits,
 * not part of a longer digit run. The Luhn digit is deliberately not checked: a mistyped number is
 * still personal data.
 */
const PERSONNUMMER =
  /(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+ ]?\d{4}(?!\d)/;

export const containsPersonnummer = (text: string): boolean => PERSONNUMMER.test(text);

/**
 * Free text (names, remittance) → the ISO 20022 Latin character set. Letters with diacritics are
 * transliterated (å ä → a, ö → o, é → e, ü → u, æ → ae …), dashes and typographic apostrophes are
 * simplified and whitespace is collapsed; any other character outside the set (e.g. & @ _ " % * ;
 * emoji) is refused rather than silently dropped. Text containing a personnummer is refused.
 */
export function toIsoLatinText(value: string, field: string, maxLength: number): string {
  if (containsPersonnummer(value)) {
    throw new DomainError(
      'validation_failed',
      `${field}: texten får inte innehålla ett personnummer eller samordningsnummer.`,
    );
  }
  const text = [...value.normalize('NFD').replace(/\p{M}/gu, '')]
    .map((ch) => SPECIAL_LETTERS[ch] ?? ch)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') throw new DomainError('validation_failed', `${field}: får inte vara tomt.`);
  if (!LATIN_TEXT.test(text)) {
    const disallowed = [...new Set([...text].filter((ch) => !LATIN_TEXT.test(ch)))].join(' ');
    throw new DomainError(
      'validation_failed',
      `${field}: innehåller tecken som inte är tillåtna i betalfilen (${disallowed}). ` +
        "Tillåtet är a–z, A–Z, 0–9, mellanslag och / - ? : ( ) . , ' + (å, ä, ö och andra accenttecken skrivs om).",
    );
  }
  if (text.length > maxLength) {
    throw new DomainError(
      'validation_failed',
      `${field}: får vara högst ${maxLength} tecken (är ${text.length}).`,
    );
  }
  return text;
}

/** Identifiers are never rewritten (the bank returns them and we match on them): refused unless valid as given. */
export function isoIdentifier(value: string, field: string, maxLength = 35): string {
  if (value.length === 0 || value.length > maxLength) {
    throw new DomainError(
      'validation_failed',
      `${field}: ska vara 1–${maxLength} tecken (är ${value.length}).`,
    );
  }
  if (!LATIN_ID.test(value) || value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    throw new DomainError(
      'validation_failed',
      `${field}: får bara innehålla a–z, A–Z, 0–9 och / - ? : ( ) . , ' + (inga mellanslag, inte börja eller sluta med / och inte //).`,
    );
  }
  if (containsPersonnummer(value)) {
    throw new DomainError('validation_failed', `${field}: får inte innehålla ett personnummer.`);
  }
  return value;
}
