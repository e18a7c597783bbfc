import { tenant } from '@samverkan/db';
import { addDays, DomainError, parseIsoMonth, parsePersonnummer } from '@samverkan/domain';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Ctx } from '../../context.ts';
import { csvLine } from '../csv.ts';
import { nextMonth } from '../metrics.ts';

/**
 * The person-month data behind Socialstyrelsen's register of ekonomiskt bistånd (HSLF-FS 2015:30):
 * one row per member of every household granted assistance for the month the assistance relates
 * to (`decisions.month`, not the payout month). The official file layout is a formatting step on
 * top of these rows; the variables are documented in docs/capabilities/statistics-and-follow-up.md.
 */
export interface SocialstyrelsenRow {
  kommunkod: string;
  period: string;
  caseNumber: string;
  personRole: 'applicant' | 'partner' | 'child';
  /** 12 digits for adults; null for children (the e-ansökan asks only their birth date). */
  personnummer: string | null;
  birthDate: string;
  coordinationNumber: boolean;
  householdType: 'single' | 'single_with_children' | 'couple' | 'couple_with_children';
  householdSize: number;
  childrenCount: number;
  decisionOutcome: 'approved' | 'partially_approved';
  decidedAmountOre: number;
  paidAmountOre: number;
  paymentDate: string | null;
  decidedByKind: 'robot' | 'person';
  /** Adults only: försörjningshinder, recorded or derived from the labour officer's judgement. */
  obstacle: string | null;
  obstacleSource: 'recorded' | 'labour_assessment' | null;
  /** Adults only: a municipal labour-market plan covers the month. */
  labourMeasure: boolean | null;
  labourTrack: string | null;
  /** Adults only: an exit (avslut) recorded for this month. */
  exitReason: string | null;
}

export const SOCIALSTYRELSEN_VARIABLES: { key: keyof SocialstyrelsenRow; label: string }[] = [
  { key: 'kommunkod', label: 'Kommunkod' },
  { key: 'period', label: 'Period (månad biståndet avser)' },
  { key: 'caseNumber', label: 'Ärendenummer (hushåll)' },
  { key: 'personRole', label: 'Roll i hushållet' },
  { key: 'personnummer', label: 'Personnummer' },
  { key: 'birthDate', label: 'Födelsedatum' },
  { key: 'coordinationNumber', label: 'Samordningsnummer' },
  { key: 'householdType', label: 'Hushållstyp' },
  { key: 'householdSize', label: 'Antal personer i hushållet' },
  { key: 'childrenCount', label: 'Antal barn i hushållet' },
  { key: 'decisionOutcome', label: 'Beslut' },
  { key: 'decidedAmountOre', label: 'Beviljat belopp hushåll (öre)' },
  { key: 'paidAmountOre', label: 'Utbetalt belopp hushåll (öre)' },
  { key: 'paymentDate', label: 'Utbetalningsdag' },
  { key: 'decidedByKind', label: 'Beslutsfattare (robot/person)' },
  { key: 'obstacle', label: 'Försörjningshinder' },
  { key: 'obstacleSource', label: 'Källa försörjningshinder' },
  { key: 'labourMeasure', label: 'Kommunal arbetsmarknadsinsats' },
  { key: 'labourTrack', label: 'Inriktning (bransch)' },
  { key: 'exitReason', label: 'Avslutsorsak' },
];

interface Form {
  household?: {
    partner?: { personnummer?: string } | null;
    children?: { birthDate?: string }[];
  };
}

export async function socialstyrelsenExport(ctx: Ctx, month: string): Promise<SocialstyrelsenRow[]> {
  try {
    parseIsoMonth(month);
  } catch {
    throw new DomainError('validation_failed', 'Månad skrivs ÅÅÅÅ-MM.');
  }
  const monthStart = `${month}-01`;
  const monthEnd = addDays(`${nextMonth(month)}-01`, -1);
  const t = tenant(ctx.db, ctx.tenant.schema);
  const cases = await t
    .selectFrom('decisions')
    .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .leftJoin('payments', 'payments.decisionId', 'decisions.decisionId')
    .select([
      'applications.caseNumber',
      'applications.personId',
      'applications.householdKey',
      'applications.form',
      'citizens.personnummer',
      'decisions.outcome',
      'decisions.amountOre',
      'decisions.decidedByKind',
      'payments.amountOre as paidOre',
      'payments.paymentDate',
    ])
    .where('decisions.month', '=', month)
    .where('decisions.outcome', '<>', 'rejected')
    .orderBy('applications.caseNumber')
    .execute();

  // Partners are adults of the household too; their own citizen row (if any) carries their data.
  const partnerPnrs = cases.flatMap((c) => c.householdKey.split('+').filter((p) => p !== c.personnummer));
  const partnerRows = partnerPnrs.length
    ? await t
        .selectFrom('citizens')
        .select(['personId', 'personnummer'])
        .where('personnummer', 'in', partnerPnrs)
        .execute()
    : [];
  const personIdByPnr = new Map<string, string>([
    ...partnerRows.map((r) => [r.personnummer, r.personId] as [string, string]),
    ...cases.map((c) => [c.personnummer, c.personId] as [string, string]),
  ]);
  const adultIds = [...new Set(personIdByPnr.values())];
  const [obstacles, plans, exits] = adultIds.length
    ? await Promise.all([
        t
          .selectFrom('selfSupportObstacles')
          .select(['personId', 'obstacle'])
          .distinctOn('personId')
          .where('personId', 'in', adultIds)
          .where('validFrom', '<=', monthEnd)
          .orderBy('personId')
          .orderBy('validFrom', 'desc')
          .execute(),
        t
          .selectFrom('labourAssessments')
          .select(['personId', 'availableForWork', 'track'])
          .distinctOn('personId')
          .where('personId', 'in', adultIds)
          .where('planFrom', '<=', monthEnd)
          .where('planTo', '>=', monthStart)
          .orderBy('personId')
          .orderBy('recordedAt', 'desc')
          .execute(),
        t
          .selectFrom('assistanceExits')
          .select(['personId', 'reason'])
          .where('personId', 'in', adultIds)
          .where('exitMonth', '=', month)
          .execute(),
      ])
    : [[], [], []];
  const obstacleOf = new Map(obstacles.map((o) => [o.personId, o.obstacle]));
  const planOf = new Map(plans.map((p) => [p.personId, p]));
  const exitOf = new Map(exits.map((e) => [e.personId, e.reason]));

  const rows: SocialstyrelsenRow[] = [];
  for (const c of cases) {
    const form = c.form as Form;
    const children = Array.isArray(form.household?.children) ? form.household.children : [];
    const adults = [c.personnummer, ...c.householdKey.split('+').filter((p) => p !== c.personnummer)];
    const couple = adults.length > 1;
    const householdType = couple
      ? children.length
        ? 'couple_with_children'
        : 'couple'
      : children.length
        ? 'single_with_children'
        : 'single';
    const common = {
      kommunkod: ctx.tenant.code,
      period: month,
      caseNumber: c.caseNumber,
      householdType,
      householdSize: adults.length + children.length,
      childrenCount: children.length,
      decisionOutcome: c.outcome as 'approved' | 'partially_approved',
      decidedAmountOre: c.amountOre,
      paidAmountOre: c.paidOre ?? 0,
      paymentDate: c.paymentDate ?? null,
      decidedByKind: c.decidedByKind,
    } as const;
    adults.forEach((pnr, i) => {
      const parsed = parsePersonnummer(pnr, ctx.now());
      const personId = personIdByPnr.get(pnr);
      const recorded = personId ? obstacleOf.get(personId) : undefined;
      const plan = personId ? planOf.get(personId) : undefined;
      // Without a recorded obstacle, a labour officer's "available for work" means unemployed;
      // "not available" has a free-text reason that is not coded, so it stays unknown.
      const derived = !recorded && plan?.availableForWork ? 'unemployed' : null;
      rows.push({
        ...common,
        personRole: i === 0 ? 'applicant' : 'partner',
        personnummer: parsed.value,
        birthDate: parsed.dateOfBirth,
        coordinationNumber: parsed.isCoordinationNumber,
        obstacle: recorded ?? derived,
        obstacleSource: recorded ? 'recorded' : derived ? 'labour_assessment' : null,
        labourMeasure: plan !== undefined,
        labourTrack: plan?.track ?? null,
        exitReason: (personId && exitOf.get(personId)) || null,
      });
    });
    for (const child of children) {
      rows.push({
        ...common,
        personRole: 'child',
        personnummer: null,
        birthDate: child.birthDate ?? '',
        coordinationNumber: false,
        obstacle: null,
        obstacleSource: null,
        labourMeasure: null,
        labourTrack: null,
        exitReason: null,
      });
    }
  }
  await recordAudit(ctx, {
    action: 'reporting.socialstyrelsen',
    detail: { month, households: cases.length, rows: rows.length },
  });
  return rows;
}

export function socialstyrelsenCsv(rows: SocialstyrelsenRow[]): string {
  return (
    '\uFEFF' +
    csvLine(SOCIALSTYRELSEN_VARIABLES.map((v) => v.key)) +
    rows
      .map((r) =>
        csvLine(
          SOCIALSTYRELSEN_VARIABLES.map((v) => {
            const value = r[v.key];
            return typeof value === 'boolean' ? (value ? '1' : '0') : (value as string | number | null);
          }),
        ),
      )
      .join('')
  );
}
