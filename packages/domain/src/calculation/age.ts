import type { DateParts } from '../calendar/iso-date.ts';
import type { PersonalNormRow } from '../norms/national-norm.ts';

/** Completed years on a date (a birthday on the date itself counts as reached). */
export function ageOn(birth: DateParts, on: DateParts): number {
  const beforeBirthday = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return on.year - birth.year - (beforeBirthday ? 1 : 0);
}

/**
 * The riksnorm row for a child by age on the first day of the month. Ages 19–20 are a youth row
 * only for someone in school living at home; otherwise (and from 21) the person is an adult and
 * `undefined` is returned.
 */
export function childNormRow(age: number, inSchoolLivingAtHome: boolean): PersonalNormRow | undefined {
  if (age <= 0) return 'child0';
  if (age <= 2) return 'child1to2';
  if (age === 3) return 'child3';
  if (age <= 6) return 'child4to6';
  if (age <= 10) return 'child7to10';
  if (age <= 14) return 'child11to14';
  if (age <= 18) return 'youth15to18';
  if (age <= 20 && inSchoolLivingAtHome) return 'youth19to20';
  return undefined;
}

export const PERSONAL_ROW_LABELS: Readonly<Record<PersonalNormRow, string>> = {
  child0: 'barn 0 år',
  child1to2: 'barn 1–2 år',
  child3: 'barn 3 år',
  child4to6: 'barn 4–6 år',
  child7to10: 'barn 7–10 år',
  child11to14: 'barn 11–14 år',
  youth15to18: 'ungdom 15–18 år',
  youth19to20: 'ungdom 19–20 år i skolan, boende hemma',
  singleAdult: 'ensamstående vuxen',
  coupleAdults: 'sammanboende vuxna',
};
