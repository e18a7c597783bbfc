import type { PersonFixtureInput } from '../types.ts';
import { EMPLOYERS } from './catalog.ts';
import { buildPersonnummer } from './personnummer.ts';

const trelleborgsKommun = EMPLOYERS[0] ?? { orgNumber: '2120001199', name: 'Trelleborgs kommun' };
const svedalaLogistik = EMPLOYERS[4] ?? { orgNumber: '5569345670', name: 'Svedala Logistik AB' };

/**
 * Demo citizens for the platform's seed and for demos: three folkbokförda in Trelleborg (1287),
 * three in Svedala (1263), with fixed register data so a demo gives the same numbers every month.
 * Personnummer are built with the Luhn check digit; serials are below 900 (no trigger behaviour).
 */
export const DEMO_CITIZENS: readonly PersonFixtureInput[] = [
  {
    description: 'Ensamstående mamma med två barn, deltidslön som undersköterska, bostadsbidrag (Trelleborg)',
    population: {
      personnummer: buildPersonnummer('19870412', '284'),
      givenName: 'Anna',
      familyName: 'Lindqvist',
      municipalityCode: '1287',
      address: { street: 'Algatan 12 B', postalCode: '231 42', city: 'Trelleborg' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      wages: [
        {
          employerOrgNumber: trelleborgsKommun.orgNumber,
          employerName: trelleborgsKommun.name,
          monthlyGrossOre: 1_850_000,
        },
      ],
      benefits: [
        { type: 'barnbidrag', monthlyAmountOre: 250_000 },
        { type: 'flerbarnstillagg', monthlyAmountOre: 15_000 },
        { type: 'bostadsbidrag', monthlyAmountOre: 210_000 },
        { type: 'underhallsstod', monthlyAmountOre: 374_600 },
      ],
      labourMarket: { registered: false, registrationDate: null, program: null },
      taxedIncomeOre: 21_600_000,
    },
  },
  {
    description: 'Arbetslös lagerarbetare med a-kassa, permanent uppehållstillstånd (Trelleborg)',
    population: {
      personnummer: buildPersonnummer('19790903', '315'),
      givenName: 'Mohammed',
      familyName: 'Al-Hassan',
      municipalityCode: '1287',
      address: { street: 'Kontinentgatan 7', postalCode: '231 62', city: 'Trelleborg' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      unemploymentFund: { fund: 'IF Metalls arbetslöshetskassa', dailyGrossOre: 91_000, daysPerMonth: 21 },
      labourMarket: { registered: true, registrationDate: '2025-09-15', program: null },
      permit: {
        type: 'permanent_residence',
        decisionDate: '2016-05-10',
        validFrom: '2016-05-10',
        validUntil: null,
      },
      taxedIncomeOre: 29_800_000,
    },
  },
  {
    description: 'Ung man utan inkomst, inskriven i Rusta och matcha (Trelleborg)',
    population: {
      personnummer: buildPersonnummer('19990122', '437'),
      givenName: 'Erik',
      familyName: 'Johansson',
      municipalityCode: '1287',
      address: { street: 'Hedvägen 3', postalCode: '231 53', city: 'Trelleborg' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      labourMarket: { registered: true, registrationDate: '2025-02-03', program: 'Rusta och matcha' },
      taxedIncomeOre: 0,
    },
  },
  {
    description: 'Par i Svedala, del 1: föräldrapenning på lägstanivå och barnbidrag för ett barn',
    population: {
      personnummer: buildPersonnummer('19900630', '248'),
      givenName: 'Sara',
      familyName: 'Nilsson',
      municipalityCode: '1263',
      address: { street: 'Storgatan 8', postalCode: '233 31', city: 'Svedala' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      benefits: [
        { type: 'foraldrapenning', monthlyAmountOre: 750_000 },
        { type: 'barnbidrag', monthlyAmountOre: 125_000 },
      ],
      taxedIncomeOre: 9_000_000,
    },
  },
  {
    description: 'Par i Svedala, del 2: timanställd lagerarbetare med varierande lön, äger en bil',
    population: {
      personnummer: buildPersonnummer('19881105', '573'),
      givenName: 'Johan',
      familyName: 'Nilsson',
      municipalityCode: '1263',
      address: { street: 'Storgatan 8', postalCode: '233 31', city: 'Svedala' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      wages: [
        {
          employerOrgNumber: svedalaLogistik.orgNumber,
          employerName: svedalaLogistik.name,
          monthlyGrossOre: 980_000,
          varies: true,
        },
      ],
      labourMarket: { registered: true, registrationDate: '2024-10-01', program: null },
      vehicles: [
        {
          registrationNumber: 'KLM47B',
          make: 'Volvo',
          model: 'V70',
          modelYear: 2009,
          estimatedValueOre: 2_500_000,
          ownedSince: '2021-04-17',
        },
      ],
      taxedIncomeOre: 11_400_000,
    },
  },
  {
    description: 'Ensamstående kvinna med sjukpenning (Svedala)',
    population: {
      personnummer: buildPersonnummer('19680819', '266'),
      givenName: 'Birgitta',
      familyName: 'Holm',
      municipalityCode: '1263',
      address: { street: 'Järnvägsgatan 21', postalCode: '233 34', city: 'Svedala' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      benefits: [{ type: 'sjukpenning', monthlyAmountOre: 1_460_000 }],
      taxedIncomeOre: 19_200_000,
    },
  },
];
