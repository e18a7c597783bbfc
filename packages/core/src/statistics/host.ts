import { findMunicipality, insertAuditEntries, platform, type RootDb, tenant } from '@samverkan/db';
import { type Actor, DomainError } from '@samverkan/domain';
import { auditRow, recordPlatformRefusal } from '../audit/record-audit.ts';
import { listServedMunicipalities } from '../municipalities/municipality-access.ts';
import { computeTenantStatistics, fillRatios, type Series, type TenantStatistics } from './compute.ts';
import { METRICS, monthRange } from './metrics.ts';

const FAN_OUT = 8;

export interface HostStatistics {
  from: string;
  to: string;
  months: string[];
  municipalities: TenantStatistics[];
  /** Sums of the additive series over the municipalities listed; ratios recomputed; medians left out. */
  totals: {
    series: Series[];
    years: {
      year: number;
      householdsWithAssistance: number;
      personsWithAssistance: number;
      paidOre: number;
    }[];
  };
  /** The caller's own organisation's work across the municipalities it serves. */
  workload: {
    employerCode: string;
    perMunicipality: {
      kommunkod: string;
      decisionsByOwnStaff: number[];
      robotDecisions: number[];
      manualQueueOpen: number;
    }[];
    totals: { decisionsByOwnStaff: number[]; robotDecisions: number[]; manualQueueOpen: number };
  };
}

const sumArrays = (lists: number[][], length: number) =>
  Array.from({ length }, (_, i) => lists.reduce((s, l) => s + (l[i] ?? 0), 0));

/**
 * The host's side-by-side view: every municipality the caller may read statistics for (its own
 * and those under an agreement in force), each computed from its own schema (at most FAN_OUT at
 * a time) and merged here — never a query across schemas (ARCHITECTURE property 8).
 * Asking for a municipality outside that set is refused and logged, not silently narrowed.
 */
export async function computeHostStatistics(
  db: RootDb,
  actor: Actor,
  now: Date,
  input: { from: string; to: string; municipalityCodes?: string[]; requestId: string },
): Promise<HostStatistics> {
  const months = monthRange(input.from, input.to);
  if (actor.kind !== 'staff') throw new DomainError('forbidden', 'Endast för personal.');
  const served = (await listServedMunicipalities(db, actor, now)).filter((m) =>
    m.actions.includes('statistics.read'),
  );
  const servedCodes = new Set(served.map((m) => m.municipality.municipalityCode));
  const refused = (input.municipalityCodes ?? []).filter((c) => !servedCodes.has(c));
  if (refused.length > 0) {
    await recordPlatformRefusal(db, {
      actor,
      action: 'statistics.read',
      target: refused.join(','),
      requestId: input.requestId,
      detail: { reason: 'not_served' },
    });
    // A known municipality also sees the attempt in its own log, like any refused access.
    for (const code of refused) {
      const row = await findMunicipality(platform(db), code);
      if (!row) continue;
      await insertAuditEntries(tenant(db, row.schemaName), [
        auditRow(actor, row.municipalityCode, undefined, input.requestId, {
          action: 'statistics.read',
          outcome: 'refused',
          detail: { reason: 'not_served', route: 'host_statistics' },
        }),
      ]);
    }
    throw new DomainError('forbidden', 'Du har inte behörighet att läsa statistik för kommunen.', {
      reason: 'not_served',
    });
  }
  const selected = input.municipalityCodes
    ? served.filter((m) => input.municipalityCodes?.includes(m.municipality.municipalityCode))
    : served;
  const results: TenantStatistics[] = [];
  for (let i = 0; i < selected.length; i += FAN_OUT) {
    const batch = selected.slice(i, i + FAN_OUT);
    results.push(
      ...(await Promise.all(
        batch.map((m) =>
          computeTenantStatistics(
            db,
            {
              code: m.municipality.municipalityCode,
              name: m.municipality.name,
              schema: m.municipality.schemaName,
            },
            { from: input.from, to: input.to },
            now,
          ),
        ),
      )),
    );
  }
  results.sort((a, b) => a.kommunkod.localeCompare(b.kommunkod));

  const totals = new Map<string, (number | null)[]>();
  for (const m of METRICS) {
    if (m.total === 'sum') {
      const lists = results.map((r) => (r.series.find((s) => s.key === m.key)?.values ?? []) as number[]);
      totals.set(m.key, sumArrays(lists, months.length));
    } else {
      totals.set(
        m.key,
        months.map(() => null),
      );
    }
  }
  fillRatios(totals, months.length);
  const years = (results[0]?.years ?? []).map((y, i) => ({
    year: y.year,
    householdsWithAssistance: results.reduce((s, r) => s + (r.years[i]?.householdsWithAssistance ?? 0), 0),
    personsWithAssistance: results.reduce((s, r) => s + (r.years[i]?.personsWithAssistance ?? 0), 0),
    paidOre: results.reduce((s, r) => s + (r.years[i]?.paidOre ?? 0), 0),
  }));

  const perMunicipality = results.map((r) => ({
    kommunkod: r.kommunkod,
    decisionsByOwnStaff:
      r.decisionsByEmployer.find((e) => e.employerCode === actor.employerCode)?.values ?? months.map(() => 0),
    robotDecisions: (r.series.find((s) => s.key === 'decisions.robot')?.values ?? []) as number[],
    manualQueueOpen: r.manualQueueNow.open,
  }));
  return {
    from: months[0] as string,
    to: months.at(-1) as string,
    months,
    municipalities: results,
    totals: {
      series: METRICS.map((m) => ({
        key: m.key,
        label: m.label,
        unit: m.unit,
        values: totals.get(m.key) ?? [],
      })),
      years,
    },
    workload: {
      employerCode: actor.employerCode,
      perMunicipality,
      totals: {
        decisionsByOwnStaff: sumArrays(
          perMunicipality.map((p) => p.decisionsByOwnStaff),
          months.length,
        ),
        robotDecisions: sumArrays(
          perMunicipality.map((p) => p.robotDecisions),
          months.length,
        ),
        manualQueueOpen: perMunicipality.reduce((s, p) => s + p.manualQueueOpen, 0),
      },
    },
  };
}
