import type { Series, TenantStatistics } from './compute.ts';
import type { HostStatistics } from './host.ts';

/**
 * CSV for people who open it in a spreadsheet: semicolon-separated, decimal comma, UTF-8 with a
 * byte-order mark (so Excel reads åäö), one row per municipality and month, Swedish headers.
 * Amounts stay in öre, as in the API, so no figure is rounded on the way.
 */
const BOM = '\uFEFF';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value).replace('.', ',') : value;
  return /[;"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: (string | number | null | undefined)[]) =>
  `${cells.map(csvCell).join(';')}\r\n`;

function rowsFor(
  kommunkod: string,
  name: string,
  months: string[],
  series: Series[],
  extra: { header: string; values: number[] }[],
  extraHeaders: string[],
): string[] {
  const byHeader = new Map(extra.map((e) => [e.header, e.values]));
  return months.map((month, i) =>
    csvLine([
      kommunkod,
      name,
      month,
      ...series.map((s) => s.values[i] ?? null),
      ...extraHeaders.map((h) => byHeader.get(h)?.[i] ?? 0),
    ]),
  );
}

const breakdowns = (s: TenantStatistics) => [
  ...s.decisionsByDelegation.map((d) => ({
    header: `Beslut enligt delegation ${d.reference} (${d.decidedByKind === 'robot' ? 'robot' : 'person'})`,
    values: d.values,
  })),
  ...s.manualByReason.map((m) => ({ header: `Manuell handläggning: ${m.code}`, values: m.values })),
];

export function tenantStatisticsCsv(stats: TenantStatistics): string {
  const extra = breakdowns(stats);
  const extraHeaders = extra.map((e) => e.header);
  return (
    BOM +
    csvLine(['Kommunkod', 'Kommun', 'Månad', ...stats.series.map((s) => s.label), ...extraHeaders]) +
    rowsFor(stats.kommunkod, stats.municipalityName, stats.months, stats.series, extra, extraHeaders).join('')
  );
}

export function hostStatisticsCsv(host: HostStatistics): string {
  const perTenant = host.municipalities.map((m) => ({ m, extra: breakdowns(m) }));
  const extraHeaders = [...new Set(perTenant.flatMap((p) => p.extra.map((e) => e.header)))].sort();
  const labels = host.totals.series.map((s) => s.label);
  let out = BOM + csvLine(['Kommunkod', 'Kommun', 'Månad', ...labels, ...extraHeaders]);
  for (const { m, extra } of perTenant) {
    out += rowsFor(m.kommunkod, m.municipalityName, host.months, m.series, extra, extraHeaders).join('');
  }
  const summed = extraHeaders.map((header) => ({
    header,
    values: host.months.map((_, i) =>
      perTenant.reduce((s, p) => s + (p.extra.find((e) => e.header === header)?.values[i] ?? 0), 0),
    ),
  }));
  out += rowsFor('', 'Totalt', host.months, host.totals.series, summed, extraHeaders).join('');
  return out;
}
