import { DomainError } from '@samverkan/domain';
import { REGISTER_SOURCES } from './schemas.ts';
import type { RegisterSource } from './types.ts';

/** What the case tells us about the applicant; decides which registers may be asked. */
export interface CaseFacts {
  hasChildren: boolean;
  /** Studies or has applied for student aid (CSN). */
  isStudent: boolean;
  /** The application answers the question on owning a vehicle (or the caseworker asks it). */
  hasVehicleQuestion: boolean;
  /** Not a Swedish or Nordic citizen: the right of residence matters (Migrationsverket). */
  isNonCitizen: boolean;
  /** Receives, or is old enough to draw, pension. Not expected to be available for work. */
  isPensioner?: boolean;
  /** Member of (or recently paid by) an unemployment fund. Unknown → asked, unless a pensioner. */
  hasUnemploymentFund?: boolean;
  /** A child aged 16–20 in upper-secondary school: studiehjälp is paid by CSN. */
  hasChildInUpperSecondary?: boolean;
}

/**
 * Fetch only what the case needs (data minimisation, SoL 15 kap. 10–12 §§).
 * Försäkringskassan and Skatteverket are always asked: together they cover wages and the
 * benefits every household can have (barnbidrag, bostadsbidrag, sjukpenning, underhållsstöd…),
 * so `hasChildren` needs no source of its own. Order follows `REGISTER_SOURCES`.
 */
export function sourcesFor(facts: CaseFacts): RegisterSource[] {
  const isPensioner = facts.isPensioner ?? false;
  const wanted: Record<RegisterSource, boolean> = {
    forsakringskassan: true,
    arbetsformedlingen: !isPensioner,
    csn: facts.isStudent || (facts.hasChildren && (facts.hasChildInUpperSecondary ?? false)),
    akassa: facts.hasUnemploymentFund ?? !isPensioner,
    pensionsmyndigheten: isPensioner,
    skatteverket: true,
    transportstyrelsen: facts.hasVehicleQuestion,
    migrationsverket: facts.isNonCitizen,
  };
  return REGISTER_SOURCES.filter((source) => wanted[source]);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The two previous months and the month itself, oldest first: '2026-01' → ['2025-11', '2025-12', '2026-01']. */
export function defaultPeriods(month: string): string[] {
  const m = MONTH.exec(month);
  if (!m) throw new DomainError('validation_failed', 'Månaden måste anges som ÅÅÅÅ-MM.', { month });
  const index = Number(m[1]) * 12 + Number(m[2]) - 1;
  return [index - 2, index - 1, index].map(
    (i) => `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`,
  );
}
