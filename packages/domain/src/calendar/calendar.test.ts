import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  easterSunday,
  isWorkingDay,
  nextWorkingDay,
  previousWorkingDay,
  swedishHolidays,
  swedishNonWorkingDays,
  swedishPublicHolidays,
} from './holidays.ts';
import { addMonths } from './iso-date.ts';
import {
  decisionDueAt,
  isWithinNextWorkingDay,
  paymentDateFor,
  stockholmDate,
  stockholmEndOfDay,
  stockholmStartOfDay,
} from './stockholm-time.ts';

describe('Easter and movable holidays', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2019, '2019-04-21'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter Sunday %i is %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('lists the 13 public holidays of 2026', () => {
    expect(swedishPublicHolidays(2026)).toEqual([
      '2026-01-01', // nyårsdagen
      '2026-01-06', // trettondedag jul
      '2026-04-03', // långfredagen
      '2026-04-05', // påskdagen
      '2026-04-06', // annandag påsk
      '2026-05-01', // första maj
      '2026-05-14', // Kristi himmelsfärd (påskdagen + 39)
      '2026-05-24', // pingstdagen (påskdagen + 49)
      '2026-06-06', // nationaldagen
      '2026-06-20', // midsommardagen
      '2026-10-31', // alla helgons dag
      '2026-12-25',
      '2026-12-26',
    ]);
  });

  it('adds midsommarafton, julafton and nyårsafton as non-working days', () => {
    const days = swedishNonWorkingDays(2025);
    expect(days).toHaveLength(16);
    expect(days).toEqual(expect.arrayContaining(['2025-06-20', '2025-12-24', '2025-12-31']));
    expect(swedishHolidays(2025).find((h) => h.date === '2025-06-20')).toEqual({
      date: '2025-06-20',
      name: 'Midsommarafton',
      kind: 'non_working_eve',
    });
  });

  it.each([
    [2024, '2024-06-22', '2024-11-02'],
    [2025, '2025-06-21', '2025-11-01'],
    [2026, '2026-06-20', '2026-10-31'],
    [2027, '2027-06-26', '2027-11-06'],
  ])('midsommardagen and alla helgons dag %i', (year, midsummer, allSaints) => {
    const list = swedishHolidays(year);
    expect(list.find((h) => h.name === 'Midsommardagen')?.date).toBe(midsummer);
    expect(list.find((h) => h.name === 'Alla helgons dag')?.date).toBe(allSaints);
  });
});

describe('addMonths', () => {
  it('moves across year ends both ways and refuses a malformed month', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', -25)).toBe('2024-10');
    expect(addMonths('2026-03', 0)).toBe('2026-03');
    expect(() => addMonths('2026-13', 1)).toThrow(/Ogiltig månad/);
  });
});

describe('working days', () => {
  it('weekends, holidays and eves are not working days', () => {
    expect(isWorkingDay('2026-01-05')).toBe(true); // Monday
    expect(isWorkingDay('2026-01-06')).toBe(false); // trettondedag jul, Tuesday
    expect(isWorkingDay('2026-01-10')).toBe(false); // Saturday
    expect(isWorkingDay('2025-06-20')).toBe(false); // midsommarafton, Friday
    expect(isWorkingDay('2025-12-24')).toBe(false); // julafton
    expect(isWorkingDay('2025-05-29')).toBe(false); // Kristi himmelsfärd
    expect(isWorkingDay('2025-05-30')).toBe(true); // klämdag is still a working day
  });

  it('next / previous / add working days across Easter 2026', () => {
    expect(nextWorkingDay('2026-04-02')).toBe('2026-04-07'); // skärtorsdag → Tuesday after annandag påsk
    expect(previousWorkingDay('2026-04-07')).toBe('2026-04-02');
    expect(addWorkingDays('2026-04-01', 2)).toBe('2026-04-07');
    expect(addWorkingDays('2026-04-07', -2)).toBe('2026-04-01');
    expect(addWorkingDays('2026-04-04', 0)).toBe('2026-04-04');
    expect(nextWorkingDay('2025-12-23')).toBe('2025-12-29'); // jul: 24, 25, 26 then weekend
    expect(nextWorkingDay('2025-12-30')).toBe('2026-01-02'); // nyårsafton, nyårsdagen
  });

  it('refuses invalid dates', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe('Stockholm time', () => {
  it('gives the local calendar date, not the UTC one', () => {
    expect(stockholmDate(new Date('2026-01-15T23:30:00Z'))).toBe('2026-01-16'); // 00:30 CET
    expect(stockholmDate(new Date('2026-07-15T21:59:59Z'))).toBe('2026-07-15'); // 23:59:59 CEST
    expect(stockholmDate(new Date('2026-07-15T22:00:00Z'))).toBe('2026-07-16');
  });

  it('finds local midnight and end of day in winter and summer', () => {
    expect(stockholmStartOfDay('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(stockholmStartOfDay('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(stockholmEndOfDay('2026-01-15').toISOString()).toBe('2026-01-15T22:59:59.999Z');
    expect(stockholmEndOfDay('2026-07-15').toISOString()).toBe('2026-07-15T21:59:59.999Z');
  });

  it('handles the DST switch days (23 and 25 hour days)', () => {
    // 2026-03-29: clocks go 02:00 → 03:00; 2026-10-25: 03:00 → 02:00.
    expect(stockholmStartOfDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(stockholmEndOfDay('2026-03-29').toISOString()).toBe('2026-03-29T21:59:59.999Z');
    expect(stockholmStartOfDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(stockholmEndOfDay('2026-10-25').toISOString()).toBe('2026-10-25T22:59:59.999Z');
  });
});

describe('decisionDueAt ("Beslut i morgon")', () => {
  it('a Tuesday submission is due Wednesday 23:59:59.999 local time', () => {
    expect(decisionDueAt(new Date('2026-01-13T10:00:00Z')).toISOString()).toBe('2026-01-14T22:59:59.999Z');
  });

  it('a Friday-evening submission is due Monday night', () => {
    // Friday 2026-01-16 21:30 local (20:30Z)
    expect(decisionDueAt(new Date('2026-01-16T20:30:00Z')).toISOString()).toBe('2026-01-19T22:59:59.999Z');
    // Friday 23:30 UTC is already Saturday 00:30 local: still due Monday.
    expect(decisionDueAt(new Date('2026-01-16T23:30:00Z')).toISOString()).toBe('2026-01-19T22:59:59.999Z');
  });

  it('a submission before the Easter weekend is due the Tuesday after annandag påsk', () => {
    // Skärtorsdag 2026-04-02 14:00 local (12:00Z, CEST)
    expect(decisionDueAt(new Date('2026-04-02T12:00:00Z')).toISOString()).toBe('2026-04-07T21:59:59.999Z');
  });

  it('a submission before midsommar is due the Monday after', () => {
    // Thursday 2025-06-19 → Friday midsommarafton, Saturday midsommardagen → Monday 23
    expect(decisionDueAt(new Date('2025-06-19T08:00:00Z')).toISOString()).toBe('2025-06-23T21:59:59.999Z');
  });

  it('across the spring DST switch: Friday (CET) → Monday (CEST)', () => {
    // Friday 2026-03-27 18:00 CET; clocks change Sunday 03-29; due Monday 03-30 23:59:59.999 CEST
    expect(decisionDueAt(new Date('2026-03-27T17:00:00Z')).toISOString()).toBe('2026-03-30T21:59:59.999Z');
  });

  it('across the autumn DST switch: Friday (CEST) → Monday (CET)', () => {
    // Friday 2026-10-23 18:00 CEST; clocks change Sunday 10-25; due Monday 10-26 23:59:59.999 CET
    expect(decisionDueAt(new Date('2026-10-23T16:00:00Z')).toISOString()).toBe('2026-10-26T22:59:59.999Z');
  });

  it('submitted on the DST night itself', () => {
    // Sunday 2026-03-29 02:30Z = 04:30 CEST → due Monday 03-30
    expect(decisionDueAt(new Date('2026-03-29T02:30:00Z')).toISOString()).toBe('2026-03-30T21:59:59.999Z');
  });

  it('isWithinNextWorkingDay', () => {
    const submitted = new Date('2026-01-16T20:30:00Z'); // Friday evening
    expect(isWithinNextWorkingDay(submitted, new Date('2026-01-19T22:59:59.999Z'))).toBe(true);
    expect(isWithinNextWorkingDay(submitted, new Date('2026-01-19T23:00:00.000Z'))).toBe(false);
    expect(isWithinNextWorkingDay(submitted, new Date('2026-01-16T20:31:00Z'))).toBe(true);
    expect(isWithinNextWorkingDay(submitted, new Date('2026-01-16T20:00:00Z'))).toBe(false);
  });
});

describe('paymentDateFor', () => {
  it('keeps a working payment day', () => {
    expect(paymentDateFor('2026-01', 27)).toBe('2026-01-27'); // Tuesday
  });
  it('moves a weekend payment day back to Friday', () => {
    expect(paymentDateFor('2026-06', 27)).toBe('2026-06-26'); // Saturday → Friday
    expect(paymentDateFor('2026-09', 27)).toBe('2026-09-25'); // Sunday → Friday
  });
  it('moves back over holidays and eves', () => {
    expect(paymentDateFor('2025-12', 25)).toBe('2025-12-23'); // juldagen, julafton → 23rd
    expect(paymentDateFor('2026-06', 20)).toBe('2026-06-18'); // midsommardagen, midsommarafton → Thursday
    expect(paymentDateFor('2026-04', 6)).toBe('2026-04-02'); // annandag påsk … långfredagen → skärtorsdag
  });
  it('refuses a payment day outside 1–28 and a bad month', () => {
    expect(() => paymentDateFor('2026-02', 29)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => paymentDateFor('2026-13', 27)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
