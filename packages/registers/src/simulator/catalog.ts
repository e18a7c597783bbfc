import { luhnCheckDigit } from '@samverkan/domain';

/**
 * Reference data the simulator draws from. Benefit figures are illustrative (2025–2026 levels
 * from public sources, rounded); barnbidrag and flerbarnstillägg follow Försäkringskassan's
 * published amounts. The simulator is not a source of truth for any figure.
 */

/** Barnbidrag per child under 16, per month. */
export const CHILD_ALLOWANCE_ORE = 125_000;

/** Flerbarnstillägg per family and month by number of children (6+ adds 1 250 kr per extra child). */
export function largeFamilySupplementOre(children: number): number {
  const table: Record<number, number> = { 2: 15_000, 3: 73_000, 4: 174_000, 5: 299_000 };
  if (children < 2) return 0;
  if (children <= 5) return table[children] ?? 0;
  return 299_000 + (children - 5) * 125_000;
}

/** Underhållsstöd per child and month (illustrative). */
export const MAINTENANCE_SUPPORT_PER_CHILD_ORE = 187_300;
/** Etableringsersättning, full time, per day (illustrative). */
export const ESTABLISHMENT_ALLOWANCE_PER_DAY_ORE = 30_800;
/** A-kassa grundbelopp per day (full time) and the income-related ceiling per day. */
export const UNEMPLOYMENT_BASIC_PER_DAY_ORE = 51_000;
export const UNEMPLOYMENT_MAX_PER_DAY_ORE = 120_000;
/** CSN studiemedel per month at full pace (illustrative). */
export const STUDENT_GRANT_FULL_PACE_ORE = 364_000;
export const STUDENT_LOAN_FULL_PACE_ORE = 898_000;

/** Benefits paid without tax deduction. */
export const TAX_FREE_BENEFITS: ReadonlySet<string> = new Set([
  'barnbidrag',
  'flerbarnstillagg',
  'bostadsbidrag',
  'underhallsstod',
  'etableringsersattning',
]);

/**
 * Approximate effective preliminary tax on a monthly gross amount (Swedish tables with the
 * earned-income tax credit for wages; benefits and pensions come out a few points higher).
 */
export function preliminaryTaxOre(monthlyGrossOre: number, kind: 'wage' | 'benefit'): number {
  const kr = monthlyGrossOre / 100;
  if (kr <= 2_000) return 0;
  const points: ReadonlyArray<readonly [number, number]> = [
    [2_000, 0.02],
    [5_000, 0.1],
    [20_000, 0.21],
    [40_000, 0.25],
    [60_000, 0.32],
    [200_000, 0.45],
  ];
  let rate = 0.45;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1] ?? [0, 0];
    const [x1, y1] = points[i] ?? [0, 0];
    if (kr <= x1) {
      rate = y0 + ((kr - x0) / (x1 - x0)) * (y1 - y0);
      break;
    }
  }
  if (kind === 'benefit') rate += 0.05;
  return Math.round((monthlyGrossOre * rate) / 100) * 100;
}

export const FEMALE_GIVEN_NAMES = [
  'Anna',
  'Maria',
  'Sara',
  'Emma',
  'Fatima',
  'Amira',
  'Elin',
  'Karin',
  'Linnea',
  'Aisha',
  'Hanna',
  'Ida',
  'Sofia',
  'Zahra',
  'Malin',
  'Olena',
] as const;
export const MALE_GIVEN_NAMES = [
  'Erik',
  'Johan',
  'Lars',
  'Mohammed',
  'Ali',
  'Anders',
  'Karl',
  'Oskar',
  'Ahmed',
  'Mikael',
  'Ibrahim',
  'Jonas',
  'Filip',
  'Daniel',
  'Omar',
  'Dmytro',
] as const;
export const FAMILY_NAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Jönsson',
  'Lindqvist',
  'Berg',
  'Hassan',
  'Ali',
  'Mohamed',
  'Nowak',
  'Yilmaz',
  'Haddad',
  'Ahmadi',
  'Kovalenko',
  'Hansson',
  'Mårtensson',
  'Ohlsson',
] as const;

export interface Locality {
  city: string;
  postalPrefixes: readonly string[];
  streets: readonly string[];
}

export const LOCALITIES: Readonly<Record<string, Locality>> = {
  '1287': {
    city: 'Trelleborg',
    postalPrefixes: ['231 31', '231 42', '231 44', '231 53', '231 62', '231 65'],
    streets: [
      'Algatan',
      'Hamngatan',
      'Västergatan',
      'Östergatan',
      'Kontinentgatan',
      'Bryggaregatan',
      'Hedvägen',
      'Valdemarsgatan',
      'Stavstensvägen',
      'Södergatan',
    ],
  },
  '1263': {
    city: 'Svedala',
    postalPrefixes: ['233 31', '233 32', '233 34', '233 36', '233 38'],
    streets: [
      'Storgatan',
      'Torggatan',
      'Järnvägsgatan',
      'Norra Vägen',
      'Klågerupsvägen',
      'Lindvägen',
      'Solvägen',
    ],
  },
  '1280': {
    city: 'Malmö',
    postalPrefixes: ['211 22', '212 15', '214 37', '215 65', '217 74'],
    streets: ['Amiralsgatan', 'Södra Förstadsgatan', 'Rosengårdsvägen', 'Lorensborgsgatan', 'Ystadvägen'],
  },
  '1261': {
    city: 'Kävlinge',
    postalPrefixes: ['244 30', '244 31', '244 32'],
    streets: ['Storgatan', 'Västergatan', 'Hallegatan'],
  },
};

/** Municipalities used for persons folkbokförda "somewhere else". */
export const OTHER_MUNICIPALITIES = ['1280', '1261', '1287', '1263'] as const;

export function localityFor(municipalityCode: string): Locality {
  return (
    LOCALITIES[municipalityCode] ?? {
      city: `Kommun ${municipalityCode}`,
      postalPrefixes: ['100 05'],
      streets: ['Storgatan', 'Kyrkogatan'],
    }
  );
}

/** Fictitious employers with Luhn-valid organisation numbers (group digit 5: aktiebolag). */
function org(first9: string): string {
  return `${first9}${luhnCheckDigit(first9)}`;
}

export const EMPLOYERS: ReadonlyArray<{ orgNumber: string; name: string }> = [
  { orgNumber: '2120001199', name: 'Trelleborgs kommun' },
  { orgNumber: org('556701234'), name: 'Söderslätts Bygg AB' },
  { orgNumber: org('556812345'), name: 'Trelleborgs Hamnservice AB' },
  { orgNumber: org('559023456'), name: 'Skånska Vårdbemanning AB' },
  { orgNumber: org('556934567'), name: 'Svedala Logistik AB' },
  { orgNumber: org('559145678'), name: 'Kontinentens Livs AB' },
  { orgNumber: org('556456789'), name: 'Sydkustens Städ AB' },
  { orgNumber: org('559267890'), name: 'Bara Lager & Transport AB' },
];

export const UNEMPLOYMENT_FUNDS = [
  'Unionens arbetslöshetskassa',
  'Kommunals arbetslöshetskassa',
  'Handelsanställdas arbetslöshetskassa',
  'Byggnadsarbetarnas arbetslöshetskassa',
  'Akademikernas a-kassa',
  'Alfa-kassan',
  'IF Metalls arbetslöshetskassa',
] as const;

export const LABOUR_MARKET_PROGRAMS = [
  'Rusta och matcha',
  'Jobb- och utvecklingsgarantin',
  'Jobbgarantin för ungdomar',
  'Arbetsmarknadsutbildning',
  'Introduktionsjobb',
] as const;

export const ESTABLISHMENT_PROGRAM = 'Etableringsprogrammet';

/** [make, model, approximate new price in kr] */
export const CAR_MODELS: ReadonlyArray<readonly [string, string, number]> = [
  ['Volvo', 'V70', 420_000],
  ['Volvo', 'V60', 450_000],
  ['Volkswagen', 'Golf', 300_000],
  ['Volkswagen', 'Passat', 380_000],
  ['Toyota', 'Corolla', 290_000],
  ['Toyota', 'Yaris', 220_000],
  ['Kia', 'Ceed', 260_000],
  ['Skoda', 'Octavia', 320_000],
  ['Ford', 'Focus', 260_000],
  ['Saab', '9-3', 300_000],
  ['Renault', 'Clio', 200_000],
  ['Nissan', 'Qashqai', 330_000],
];

/** Letters used on Swedish plates (I, Q and V are not used; O not in the last position). */
export const PLATE_LETTERS = 'ABCDEFGHJKLMNOPRSTUWXYZ';
