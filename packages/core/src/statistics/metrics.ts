import { addMonths, DomainError } from '@samverkan/domain';

/**
 * The monthly series a municipality's statistics consist of. Keys are stable (charts and CSV
 * columns are built on them); labels are Swedish for people. `additive` series can be summed
 * across municipalities (the host's totals); ratios are recomputed from their parts; medians
 * and percentiles cannot be combined and are left out of totals.
 */
export type MetricUnit = 'count' | 'ore' | 'share' | 'hours';

export interface MetricDefinition {
  key: string;
  label: string;
  unit: MetricUnit;
  /** How a total over several municipalities is formed. */
  total: 'sum' | { ratioOf: [numerator: string, denominator: string] } | 'none';
}

export const METRICS: readonly MetricDefinition[] = [
  { key: 'applications.total', label: 'Ansökningar', unit: 'count', total: 'sum' },
  { key: 'applications.digital', label: 'Ansökningar, e-ansökan', unit: 'count', total: 'sum' },
  { key: 'applications.paper', label: 'Ansökningar, pappersansökan', unit: 'count', total: 'sum' },
  {
    key: 'applications.digitalShare',
    label: 'Andel e-ansökningar',
    unit: 'share',
    total: { ratioOf: ['applications.digital', 'applications.total'] },
  },
  { key: 'households.withAssistance', label: 'Hushåll med bistånd', unit: 'count', total: 'sum' },
  { key: 'persons.withAssistance', label: 'Personer med bistånd', unit: 'count', total: 'sum' },
  { key: 'amounts.decidedOre', label: 'Beviljat belopp (öre)', unit: 'ore', total: 'sum' },
  { key: 'amounts.paidOre', label: 'Utbetalt belopp (öre)', unit: 'ore', total: 'sum' },
  { key: 'decisions.total', label: 'Beslut', unit: 'count', total: 'sum' },
  { key: 'decisions.approved', label: 'Beslut, bifall', unit: 'count', total: 'sum' },
  { key: 'decisions.partiallyApproved', label: 'Beslut, delvis bifall', unit: 'count', total: 'sum' },
  { key: 'decisions.rejected', label: 'Beslut, avslag', unit: 'count', total: 'sum' },
  { key: 'decisions.robot', label: 'Beslut av beslutsrobot', unit: 'count', total: 'sum' },
  { key: 'decisions.person', label: 'Beslut av handläggare/delegat', unit: 'count', total: 'sum' },
  {
    key: 'decisions.automatedShare',
    label: 'Andel automatiserade beslut',
    unit: 'share',
    total: { ratioOf: ['decisions.robot', 'decisions.total'] },
  },
  { key: 'decisionTime.measured', label: 'Beslut med mätbar handläggningstid', unit: 'count', total: 'sum' },
  {
    key: 'decisionTime.medianHours',
    label: 'Tid till beslut, median (timmar)',
    unit: 'hours',
    total: 'none',
  },
  {
    key: 'decisionTime.p90Hours',
    label: 'Tid till beslut, 90:e percentil (timmar)',
    unit: 'hours',
    total: 'none',
  },
  {
    key: 'decisionTime.withinNextWorkingDay',
    label: 'Beslut senast nästa arbetsdag',
    unit: 'count',
    total: 'sum',
  },
  {
    key: 'decisionTime.withinNextWorkingDayShare',
    label: 'Andel beslut senast nästa arbetsdag',
    unit: 'share',
    total: { ratioOf: ['decisionTime.withinNextWorkingDay', 'decisionTime.measured'] },
  },
  { key: 'manual.total', label: 'Ansökningar till manuell handläggning', unit: 'count', total: 'sum' },
  { key: 'sampleChecks.documents.drawn', label: 'Stickprov, dragna', unit: 'count', total: 'sum' },
  { key: 'sampleChecks.documents.open', label: 'Stickprov, pågående', unit: 'count', total: 'sum' },
  {
    key: 'sampleChecks.documents.noDeviation',
    label: 'Stickprov, utan avvikelse',
    unit: 'count',
    total: 'sum',
  },
  { key: 'sampleChecks.documents.deviation', label: 'Stickprov, med avvikelse', unit: 'count', total: 'sum' },
  {
    key: 'sampleChecks.documents.notSubmitted',
    label: 'Stickprov, underlag ej inkommet',
    unit: 'count',
    total: 'sum',
  },
  { key: 'sampleChecks.blind.drawn', label: 'Blindprövningar, dragna', unit: 'count', total: 'sum' },
  { key: 'sampleChecks.blind.open', label: 'Blindprövningar, pågående', unit: 'count', total: 'sum' },
  {
    key: 'sampleChecks.blind.agrees',
    label: 'Blindprövningar, samma bedömning',
    unit: 'count',
    total: 'sum',
  },
  {
    key: 'sampleChecks.blind.disagrees',
    label: 'Blindprövningar, annan bedömning',
    unit: 'count',
    total: 'sum',
  },
  { key: 'meetings.booked', label: 'Bokade nysamtal', unit: 'count', total: 'sum' },
  { key: 'meetings.held', label: 'Genomförda nysamtal', unit: 'count', total: 'sum' },
  { key: 'plans.recorded', label: 'Arbetsmarknadsplaner upprättade', unit: 'count', total: 'sum' },
  { key: 'labour.enrolled', label: 'Inskrivna med planering', unit: 'count', total: 'sum' },
  { key: 'exits.total', label: 'Avslut', unit: 'count', total: 'sum' },
  { key: 'exits.work', label: 'Avslut till arbete', unit: 'count', total: 'sum' },
  { key: 'exits.studies', label: 'Avslut till studier', unit: 'count', total: 'sum' },
  { key: 'exits.otherIncome', label: 'Avslut till annan försörjning', unit: 'count', total: 'sum' },
  { key: 'exits.moved', label: 'Avslut, flyttat', unit: 'count', total: 'sum' },
  { key: 'exits.other', label: 'Avslut, annat skäl', unit: 'count', total: 'sum' },
  {
    key: 'exits.toWorkOrStudiesShare',
    label: 'Andel inskrivna som gått till arbete eller studier',
    unit: 'share',
    total: { ratioOf: ['exits.toWorkOrStudies', 'labour.enrolled'] },
  },
  { key: 'exits.toWorkOrStudies', label: 'Avslut till arbete eller studier', unit: 'count', total: 'sum' },
];

export const METRIC_KEYS = METRICS.map((m) => m.key);

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Ten years of months is more than any chart needs, and bounds the work of one request. */
export const MAX_MONTHS = 120;

/** Every month from `from` to `to` inclusive (YYYY-MM); refuses reversed or over-long ranges. */
export function monthRange(from: string, to: string): string[] {
  const a = MONTH.exec(from);
  const b = MONTH.exec(to);
  if (!a || !b) throw new DomainError('validation_failed', 'Månad skrivs ÅÅÅÅ-MM.');
  const start = Number(a[1]) * 12 + Number(a[2]) - 1;
  const end = Number(b[1]) * 12 + Number(b[2]) - 1;
  if (end < start) throw new DomainError('validation_failed', 'Till-månaden ligger före från-månaden.');
  if (end - start + 1 > MAX_MONTHS) {
    throw new DomainError('validation_failed', `Högst ${MAX_MONTHS} månader åt gången.`);
  }
  return Array.from({ length: end - start + 1 }, (_, i) => {
    const n = start + i;
    return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
  });
}

/** The month after a YYYY-MM month. */
export const nextMonth = (month: string): string => addMonths(month, 1);
