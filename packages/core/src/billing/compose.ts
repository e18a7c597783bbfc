import type { InvoiceLine, InvoiceSpecificationSection } from '@samverkan/documents';
import { formatKronor, formatSwedishMonth, type Ore } from '@samverkan/domain';
import {
  type BillingPeriod,
  divideHalfUp,
  fixedShareForMonth,
  indexedPrice,
  monthEnd,
  monthStart,
  type OreRange,
  periodText,
} from './billing-math.ts';
import { type BillingTerms, VARIABLE_COST_CATEGORIES, VARIABLE_COST_LABELS } from './terms.ts';

/** What a line bills, so follow-up can separate the agreement's fee from re-invoiced assistance. */
export type LineCategory = 'fixed' | 'price_model' | 'variable' | 'assistance' | 'correction';

export type StoredLine = InvoiceLine & { readonly category: LineCategory };

export interface AssistanceMonth {
  readonly month: string;
  readonly ranges: readonly OreRange[];
}

export interface InvoiceContent {
  readonly lines: StoredLine[];
  readonly specification: InvoiceSpecificationSection[];
  readonly totalOre: Ore;
  readonly variableCostIds: string[];
  /** Ledger rows written when the invoice is issued. */
  readonly assistanceRanges: { month: string; fromOre: number; toOre: number }[];
}

export interface ComposeInput {
  readonly period: BillingPeriod;
  readonly terms: BillingTerms;
  /** Months of the period the agreement is in force (whole months). */
  readonly billableMonths: readonly string[];
  readonly enrolledByMonth: Readonly<Record<string, number>>;
  readonly decisions: number;
  readonly variableCosts: readonly {
    variableCostId: string;
    category: (typeof VARIABLE_COST_CATEGORIES)[number];
    amountOre: Ore;
  }[];
  readonly assistance: readonly AssistanceMonth[];
}

/** Plain spaces: the text goes into UBL and PDF alike. */
const kr = (ore: Ore) => formatKronor(ore).replaceAll('\u00a0', ' ');

/**
 * The lines and specification of one period's invoice, from the terms and the period's facts.
 * Pure: the same input always gives the same invoice. The fee (fixed part or price model) is
 * one line per month, variable costs one line per category at cost price, re-invoiced
 * assistance one line per month it relates to. Totals only — no personal data.
 */
export function composeInvoice(input: ComposeInput): InvoiceContent {
  const { period, terms } = input;
  const lines: StoredLine[] = [];
  const add = (line: Omit<StoredLine, 'id'>) => {
    if (line.lineTotalOre > 0) lines.push({ ...line, id: String(lines.length + 1) });
  };
  const inPeriod = (month: string) => period.months.includes(month);
  const monthPeriod = (month: string) =>
    inPeriod(month) ? { period: { start: monthStart(month), end: monthEnd(month) } } : {};

  const feeRows: { label: string; amountOre: Ore }[] = [];
  if (terms.priceModel === 'fixed_yearly') {
    for (const month of input.billableMonths) {
      const share = fixedShareForMonth(terms.fixedYearlyOre, terms.indexation, month);
      const yearly = indexedPrice(terms.fixedYearlyOre, terms.indexation, monthStart(month));
      add({
        category: 'fixed',
        description: `Fast ersättning enligt avtal, ${formatSwedishMonth(month)} (${kr(yearly)}/år)`,
        quantity: '1',
        unitCode: 'MON',
        unitPriceOre: share,
        lineTotalOre: share,
        ...monthPeriod(month),
      });
      feeRows.push({ label: `Fast del ${formatSwedishMonth(month)}`, amountOre: share });
    }
  } else if (terms.priceModel === 'per_enrolled_person') {
    for (const month of input.billableMonths) {
      const yearly = indexedPrice(terms.perEnrolledPersonYearOre ?? 0, terms.indexation, monthStart(month));
      const perMonth = divideHalfUp(yearly, 12);
      const enrolled = input.enrolledByMonth[month] ?? 0;
      add({
        category: 'price_model',
        description: `Inskrivna personer ${formatSwedishMonth(month)} (${kr(yearly)} per person och år)`,
        quantity: String(enrolled),
        unitCode: 'C62',
        unitPriceOre: perMonth,
        lineTotalOre: enrolled * perMonth,
        ...monthPeriod(month),
      });
      feeRows.push({
        label: `${enrolled} inskrivna ${formatSwedishMonth(month)}`,
        amountOre: enrolled * perMonth,
      });
    }
  } else {
    const price = indexedPrice(terms.perDecidedApplicationOre ?? 0, terms.indexation, period.start);
    add({
      category: 'price_model',
      description: `Beslutade ansökningar ${periodText(period)} (${kr(price)} per beslut)`,
      quantity: String(input.decisions),
      unitCode: 'C62',
      unitPriceOre: price,
      lineTotalOre: input.decisions * price,
    });
    feeRows.push({
      label: `${input.decisions} beslut ${periodText(period)}`,
      amountOre: input.decisions * price,
    });
  }

  const variableRows: { label: string; amountOre: Ore }[] = [];
  for (const category of VARIABLE_COST_CATEGORIES) {
    const costs = input.variableCosts.filter((c) => c.category === category);
    if (costs.length === 0) continue;
    const sum = costs.reduce((s, c) => s + c.amountOre, 0);
    add({
      category: 'variable',
      description: `Rörliga kostnader till självkostnad: ${VARIABLE_COST_LABELS[category].toLowerCase()}`,
      quantity: '1',
      unitCode: 'LS',
      unitPriceOre: sum,
      lineTotalOre: sum,
    });
    variableRows.push({
      label: `${VARIABLE_COST_LABELS[category]} (${costs.length} ${costs.length === 1 ? 'post' : 'poster'})`,
      amountOre: sum,
    });
  }

  const assistanceRows: { label: string; amountOre: Ore }[] = [];
  const assistanceRanges: InvoiceContent['assistanceRanges'] = [];
  for (const { month, ranges } of [...input.assistance].sort((a, b) => a.month.localeCompare(b.month))) {
    const sum = ranges.reduce((s, r) => s + (r.toOre - r.fromOre), 0);
    if (sum <= 0) continue;
    add({
      category: 'assistance',
      description: `Vidarefakturerat ekonomiskt bistånd avseende ${formatSwedishMonth(month)}`,
      quantity: '1',
      unitCode: 'LS',
      unitPriceOre: sum,
      lineTotalOre: sum,
      ...monthPeriod(month),
    });
    assistanceRows.push({ label: `Avseende ${formatSwedishMonth(month)}`, amountOre: sum });
    for (const r of ranges) assistanceRanges.push({ month, fromOre: r.fromOre, toOre: r.toOre });
  }

  const specification: InvoiceSpecificationSection[] = [];
  if (feeRows.length > 0)
    specification.push({
      heading: terms.priceModel === 'fixed_yearly' ? 'Fast del' : 'Ersättning enligt prismodell',
      rows: feeRows,
    });
  if (variableRows.length > 0)
    specification.push({ heading: 'Rörliga kostnader per kategori', rows: variableRows });
  if (assistanceRows.length > 0)
    specification.push({ heading: 'Vidarefakturerat ekonomiskt bistånd per månad', rows: assistanceRows });

  return {
    lines,
    specification,
    totalOre: lines.reduce((s, l) => s + l.lineTotalOre, 0),
    variableCostIds: input.variableCosts.map((c) => c.variableCostId),
    assistanceRanges,
  };
}
