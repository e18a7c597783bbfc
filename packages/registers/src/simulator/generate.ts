import { registerProfileSchema } from '../schemas.ts';
import type {
  ActivityReportStatus,
  PersonFixture,
  PopulationRecord,
  RegisterProfile,
  RegisterRequest,
  RegisterResponse,
  RegisterSource,
  SourceResult,
  Vehicle,
} from '../types.ts';
import {
  CAR_MODELS,
  CHILD_ALLOWANCE_ORE,
  EMPLOYERS,
  ESTABLISHMENT_ALLOWANCE_PER_DAY_ORE,
  ESTABLISHMENT_PROGRAM,
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  LABOUR_MARKET_PROGRAMS,
  largeFamilySupplementOre,
  localityFor,
  MAINTENANCE_SUPPORT_PER_CHILD_ORE,
  MALE_GIVEN_NAMES,
  OTHER_MUNICIPALITIES,
  PLATE_LETTERS,
  preliminaryTaxOre,
  STUDENT_GRANT_FULL_PACE_ORE,
  STUDENT_LOAN_FULL_PACE_ORE,
  TAX_FREE_BENEFITS,
  UNEMPLOYMENT_BASIC_PER_DAY_ORE,
  UNEMPLOYMENT_FUNDS,
  UNEMPLOYMENT_MAX_PER_DAY_ORE,
} from './catalog.ts';
import { type Prng, seededPrng } from './prng.ts';
import { type Archetype, type TriggerEffect, triggerFor } from './triggers.ts';

const kr = (amount: number): number => amount * 100;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Generated population record, or null when the trigger says the person is unknown. */
export function generatePopulation(
  personnummer: string,
  municipalityCodes: readonly string[],
): PopulationRecord | null {
  const effect = triggerFor(personnummer);
  if (effect.notFound) return null;
  const rng = seededPrng('population', personnummer);
  const isMale = Number(personnummer[10]) % 2 === 1;
  const givenName = rng.pick(isMale ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES);
  const familyName = rng.pick(FAMILY_NAMES);
  const municipalityCode = effect.otherMunicipality
    ? (OTHER_MUNICIPALITIES.find((code) => !municipalityCodes.includes(code)) ?? '0180')
    : rng.pick(municipalityCodes);
  const locality = localityFor(municipalityCode);
  const entrance = rng.chance(0.3) ? ` ${rng.pick(['A', 'B', 'C'])}` : '';
  const address = {
    street: `${rng.pick(locality.streets)} ${rng.int(1, 64)}${entrance}`,
    postalCode: rng.pick(locality.postalPrefixes),
    city: locality.city,
  };
  return {
    personnummer,
    givenName,
    familyName,
    municipalityCode,
    address: effect.protectedIdentity ? null : address,
    protectedIdentity: effect.protectedIdentity ?? false,
    deceased: effect.deceased ?? false,
  };
}

function pickArchetype(rng: Prng, age: number): Archetype {
  if (age >= 66) return 'pension';
  if (age < 18) return 'none';
  const weights: ReadonlyArray<readonly [Archetype, number]> = [
    ['none', 38],
    ['wage', 12],
    ['hourly_wage', 12],
    ['akassa', 10],
    ['sick', 8],
    ['student', age <= 35 ? 7 : 1],
    ['activity_support', 9],
    ['parental', age <= 45 ? 4 : 0],
  ];
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.next() * total;
  for (const [archetype, weight] of weights) {
    roll -= weight;
    if (roll < 0) return archetype;
  }
  return 'none';
}

function pastDate(rng: Prng, referenceYear: number, minYearsBack: number, maxYearsBack: number): string {
  return `${referenceYear - rng.int(minYearsBack, maxYearsBack)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
}

function generateVehicle(rng: Prng, referenceYear: number): Vehicle {
  const [make, model, newPriceKr] = rng.pick(CAR_MODELS);
  const modelYear = referenceYear - rng.int(2, 22);
  const age = referenceYear - modelYear;
  const valueKr = Math.max(5_000, Math.round((newPriceKr * 0.85 ** age) / 1_000) * 1_000);
  const letters = Array.from({ length: 3 }, () => rng.pick([...PLATE_LETTERS.replace('O', '')])).join('');
  const last = rng.chance(0.4) ? rng.pick([...PLATE_LETTERS.replace('O', '')]) : String(rng.int(0, 9));
  return {
    registrationNumber: `${letters}${pad2(rng.int(0, 99))}${last}`,
    make,
    model,
    modelYear,
    estimatedValueOre: kr(valueKr),
    ownedSince: pastDate(rng, referenceYear, 0, Math.min(age, 8)),
  };
}

/**
 * A person's register profile, deterministic per personnummer. `referenceYear` (the year of the
 * latest period asked for) decides age-dependent parts such as pension.
 */
export function generateProfile(personnummer: string, referenceYear: number): RegisterProfile {
  const effect: TriggerEffect = triggerFor(personnummer);
  const rng = seededPrng('profile', personnummer);
  const age = referenceYear - Number(personnummer.slice(0, 4));
  const isCoordinationNumber = Number(personnummer.slice(6, 8)) > 60;
  const archetype = effect.archetype ?? pickArchetype(rng, age);
  const nonCitizen = effect.nonCitizen ?? (isCoordinationNumber || rng.chance(0.18));

  let children = 0;
  if (age >= 20 && age <= 55 && rng.chance(0.42)) children = rng.pick([1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
  if (archetype === 'parental') children = Math.max(children, 1);
  if (effect.children !== undefined) children = effect.children;

  const profile: RegisterProfile = registerProfileSchema.parse({});
  const employer = rng.pick(EMPLOYERS);
  let registeredAtAf = false;
  let program: string | null = null;

  switch (archetype) {
    case 'wage':
      profile.wages.push({
        employerOrgNumber: employer.orgNumber,
        employerName: employer.name,
        monthlyGrossOre: kr(rng.int(240, 410) * 100),
        varies: false,
      });
      break;
    case 'hourly_wage':
      profile.wages.push({
        employerOrgNumber: employer.orgNumber,
        employerName: employer.name,
        monthlyGrossOre: kr(rng.int(60, 170) * 100),
        varies: true,
      });
      registeredAtAf = rng.chance(0.7);
      break;
    case 'akassa': {
      const daily = rng.chance(0.3)
        ? UNEMPLOYMENT_BASIC_PER_DAY_ORE
        : Math.min(UNEMPLOYMENT_MAX_PER_DAY_ORE, kr(rng.int(60, 120) * 10));
      profile.unemploymentFund = {
        fund: rng.pick(UNEMPLOYMENT_FUNDS),
        dailyGrossOre: daily,
        daysPerMonth: rng.int(20, 22),
      };
      registeredAtAf = true;
      break;
    }
    case 'sick':
      if (age >= 30 && rng.chance(0.25)) {
        profile.benefits.push({ type: 'sjukersattning', monthlyAmountOre: kr(rng.int(90, 130) * 100) });
      } else {
        profile.benefits.push({ type: 'sjukpenning', monthlyAmountOre: kr(30 * rng.int(35, 110) * 10) });
      }
      break;
    case 'student': {
      const pace = rng.pick([100, 100, 100, 75, 50]);
      profile.studentAid = {
        monthlyGrantOre: Math.round((STUDENT_GRANT_FULL_PACE_ORE * pace) / 100),
        monthlyLoanOre: rng.chance(0.7) ? Math.round((STUDENT_LOAN_FULL_PACE_ORE * pace) / 100) : 0,
        studyPacePercent: pace,
      };
      break;
    }
    case 'activity_support':
      registeredAtAf = true;
      if (nonCitizen && rng.chance(0.5)) {
        program = ESTABLISHMENT_PROGRAM;
        profile.benefits.push({
          type: 'etableringsersattning',
          monthlyAmountOre: ESTABLISHMENT_ALLOWANCE_PER_DAY_ORE * 22,
        });
      } else {
        program = rng.pick(LABOUR_MARKET_PROGRAMS);
        profile.benefits.push({ type: 'aktivitetsstod', monthlyAmountOre: kr(22 * rng.int(223, 910)) });
      }
      break;
    case 'parental':
      profile.benefits.push({ type: 'foraldrapenning', monthlyAmountOre: kr(30 * rng.int(25, 90) * 10) });
      break;
    case 'pension': {
      const income = kr(rng.int(60, 170) * 100);
      profile.pensions.push({ type: 'inkomstpension', monthlyGrossOre: income });
      profile.pensions.push({ type: 'premiepension', monthlyGrossOre: kr(rng.int(2, 9) * 100) });
      if (income < kr(11_000))
        profile.pensions.push({ type: 'garantipension', monthlyGrossOre: kr(rng.int(10, 40) * 100) });
      if (rng.chance(0.35))
        profile.pensions.push({ type: 'bostadstillagg', monthlyGrossOre: kr(rng.int(20, 60) * 100) });
      break;
    }
    case 'none':
      registeredAtAf = age >= 18 && age < 66 && rng.chance(0.75);
      if (registeredAtAf && rng.chance(0.4)) program = rng.pick(LABOUR_MARKET_PROGRAMS);
      break;
  }
  if (effect.activityReports) registeredAtAf = true;

  if (children > 0) {
    profile.benefits.push({ type: 'barnbidrag', monthlyAmountOre: CHILD_ALLOWANCE_ORE * children });
    const supplement = largeFamilySupplementOre(children);
    if (supplement > 0) profile.benefits.push({ type: 'flerbarnstillagg', monthlyAmountOre: supplement });
    const lowIncome = archetype !== 'wage' && archetype !== 'pension';
    if (lowIncome && rng.chance(0.55)) {
      profile.benefits.push({
        type: 'bostadsbidrag',
        monthlyAmountOre: kr(rng.int(10, 30) * 100 + children * 400),
      });
    }
    if (rng.chance(0.3)) {
      profile.benefits.push({
        type: 'underhallsstod',
        monthlyAmountOre: MAINTENANCE_SUPPORT_PER_CHILD_ORE * children,
      });
    }
  } else if (age >= 18 && age < 29 && archetype !== 'wage' && rng.chance(0.15)) {
    profile.benefits.push({ type: 'bostadsbidrag', monthlyAmountOre: kr(rng.int(3, 13) * 100) });
  }

  profile.labourMarket = {
    registered: registeredAtAf,
    registrationDate: registeredAtAf ? pastDate(rng, referenceYear, 1, 4) : null,
    program: registeredAtAf ? program : null,
    activityReports:
      effect.activityReports ?? (registeredAtAf && rng.chance(0.04) ? 'not_filed_latest' : 'filed'),
  };

  const hasVehicle = effect.vehicle ?? rng.chance(archetype === 'wage' ? 0.35 : 0.12);
  if (hasVehicle) {
    profile.vehicles.push(generateVehicle(rng, referenceYear));
    if (effect.vehicle === undefined && rng.chance(0.08))
      profile.vehicles.push(generateVehicle(rng, referenceYear));
  }

  if (nonCitizen) {
    const type = rng.pick([
      'permanent_residence',
      'permanent_residence',
      'permanent_residence',
      'temporary_residence',
      'temporary_residence',
      'temporary_protection',
      'eu_right_of_residence',
    ] as const);
    const decisionDate = pastDate(rng, referenceYear, 0, type === 'permanent_residence' ? 8 : 1);
    const validUntil =
      type === 'temporary_residence'
        ? `${referenceYear + rng.int(1, 2)}${decisionDate.slice(4)}`
        : type === 'temporary_protection'
          ? `${referenceYear + 1}-03-04`
          : null;
    profile.permit = { type, decisionDate, validFrom: decisionDate, validUntil };
  }

  // Last year's taxed income: roughly this year's level, with more or less work during the year;
  // some without income today had odd jobs last year.
  const lastYear = monthlyTaxableOre(profile) * 12 * (0.6 + rng.next() * 0.5);
  const oddJobs = lastYear === 0 && rng.chance(0.3) ? kr(rng.int(5, 60) * 1_000) : 0;
  profile.taxedIncomeOre = Math.round((lastYear + oddJobs) / 100) * 100;
  return profile;
}

function monthlyTaxableOre(profile: RegisterProfile): number {
  const wages = profile.wages.reduce((sum, w) => sum + w.monthlyGrossOre, 0);
  const benefits = profile.benefits
    .filter((b) => !TAX_FREE_BENEFITS.has(b.type))
    .reduce((sum, b) => sum + b.monthlyAmountOre, 0);
  const fund = profile.unemploymentFund
    ? profile.unemploymentFund.dailyGrossOre * profile.unemploymentFund.daysPerMonth
    : 0;
  const pensions = profile.pensions
    .filter((p) => p.type !== 'bostadstillagg')
    .reduce((sum, p) => sum + p.monthlyGrossOre, 0);
  return wages + benefits + fund + pensions;
}

/** Whole-month index for comparisons: 'YYYY-MM' → year·12 + month. */
const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));

const PAYMENT_DAY: Readonly<Record<string, string>> = {
  barnbidrag: '20',
  flerbarnstillagg: '20',
  bostadsbidrag: '20',
  underhallsstod: '20',
};

function resultFor(
  source: RegisterSource,
  personnummer: string,
  profile: RegisterProfile,
  months: readonly string[],
): SourceResult {
  const latest = months[months.length - 1] ?? '';
  switch (source) {
    case 'forsakringskassan':
      return {
        source,
        payments: months.flatMap((month) =>
          profile.benefits.map((b) => ({
            type: b.type,
            month,
            amountOre: b.monthlyAmountOre,
            preliminaryTaxOre: TAX_FREE_BENEFITS.has(b.type)
              ? 0
              : preliminaryTaxOre(b.monthlyAmountOre, 'benefit'),
            paymentDate: `${month}-${PAYMENT_DAY[b.type] ?? '25'}`,
          })),
        ),
      };
    case 'arbetsformedlingen': {
      const lm = profile.labourMarket;
      const from = lm.registrationDate
        ? monthIndex(lm.registrationDate.slice(0, 7))
        : Number.POSITIVE_INFINITY;
      return {
        source,
        registered: lm.registered,
        registrationDate: lm.registered ? lm.registrationDate : null,
        program: lm.registered ? lm.program : null,
        activityReports: months.map((month) => {
          let status: ActivityReportStatus = lm.registered && monthIndex(month) >= from ? 200 : 500;
          if (status === 200 && month === latest && lm.activityReports === 'not_filed_latest') status = 501;
          if (status === 200 && month === latest && lm.activityReports === 'technical_error_latest')
            status = 502;
          return { month, status };
        }),
      };
    }
    case 'csn': {
      const aid = profile.studentAid;
      // No studiemedel for July: the study year runs August–June.
      const paid = aid ? months.filter((m) => !m.endsWith('-07')) : [];
      return {
        source,
        payments: aid
          ? paid.map((month) => ({
              month,
              grantOre: aid.monthlyGrantOre,
              loanOre: aid.monthlyLoanOre,
              studyPacePercent: aid.studyPacePercent,
            }))
          : [],
      };
    }
    case 'akassa': {
      const fund = profile.unemploymentFund;
      return {
        source,
        fund: fund ? fund.fund : null,
        payments: fund
          ? months.map((month) => {
              const grossOre = fund.dailyGrossOre * fund.daysPerMonth;
              return {
                month,
                days: fund.daysPerMonth,
                grossOre,
                preliminaryTaxOre: preliminaryTaxOre(grossOre, 'benefit'),
              };
            })
          : [],
      };
    }
    case 'pensionsmyndigheten': {
      const taxable = profile.pensions
        .filter((p) => p.type !== 'bostadstillagg')
        .reduce((s, p) => s + p.monthlyGrossOre, 0);
      const rate = taxable > 0 ? preliminaryTaxOre(taxable, 'benefit') / taxable : 0;
      return {
        source,
        payments: months.flatMap((month) =>
          profile.pensions.map((p) => ({
            month,
            type: p.type,
            grossOre: p.monthlyGrossOre,
            preliminaryTaxOre: p.type === 'bostadstillagg' ? 0 : Math.round(p.monthlyGrossOre * rate),
          })),
        ),
      };
    }
    case 'skatteverket': {
      const latestYear = Number(latest.slice(0, 4));
      const incomeYear = Number(latest.slice(5, 7)) >= 9 ? latestYear - 1 : latestYear - 2;
      // No taxation on record at all when nothing is known (e.g. a person not in the registers).
      const earnedIncomeOre = profile.taxedIncomeOre ?? monthlyTaxableOre(profile) * 12;
      const taxed = profile.taxedIncomeOre !== null || earnedIncomeOre > 0;
      return {
        source,
        taxedIncome: taxed
          ? [
              {
                incomeYear,
                earnedIncomeOre,
                finalTaxOre: preliminaryTaxOre(Math.round(earnedIncomeOre / 12), 'wage') * 12,
              },
            ]
          : [],
        employerReports: months.flatMap((month) =>
          profile.wages.map((w) => {
            const factor = w.varies
              ? 0.6 + seededPrng('wage', personnummer, month, w.employerOrgNumber).next() * 0.8
              : 1;
            const grossWageOre = Math.round((w.monthlyGrossOre * factor) / 100) * 100;
            return {
              month,
              employerOrgNumber: w.employerOrgNumber,
              employerName: w.employerName,
              grossWageOre,
              preliminaryTaxOre: preliminaryTaxOre(grossWageOre, 'wage'),
            };
          }),
        ),
      };
    }
    case 'transportstyrelsen':
      return { source, vehicles: profile.vehicles };
    case 'migrationsverket':
      return { source, permit: profile.permit };
  }
}

/** An empty profile: what SSBTEK answers for a person no register knows. */
export const EMPTY_PROFILE: RegisterProfile = registerProfileSchema.parse({});

/**
 * The SSBTEK answer for one request. Months are answered oldest first, sources in the order asked;
 * `unavailable` sources are left out of `results` and listed with a Swedish message.
 */
export function buildRegisterResponse(
  fixture: Pick<PersonFixture, 'profile'>,
  request: RegisterRequest,
  fetchedAt: Date,
  unavailable: readonly RegisterSource[] = [],
): RegisterResponse {
  const months = [...request.periods].sort();
  const down = new Set(unavailable);
  return {
    personnummer: request.personnummer,
    caseReference: request.caseReference,
    fetchedAt: fetchedAt.toISOString(),
    periods: months,
    results: request.sources
      .filter((s) => !down.has(s))
      .map((s) => resultFor(s, request.personnummer, fixture.profile, months)),
    unavailable: request.sources
      .filter((s) => down.has(s))
      .map((source) => ({ source, message: 'Källan svarade inte. Hämta uppgifterna igen senare.' })),
  };
}
