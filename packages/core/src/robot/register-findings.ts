import { formatKronor, type RegisterFinding } from '@samverkan/domain';
import type { RegisterResponse } from '@samverkan/registers';

const previousMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** Net income the registers report for one person and month (gross − preliminary tax). */
export function registerIncomeFor(response: RegisterResponse, month: string): number {
  let total = 0;
  for (const r of response.results) {
    switch (r.source) {
      case 'forsakringskassan':
        for (const p of r.payments) if (p.month === month) total += p.amountOre - p.preliminaryTaxOre;
        break;
      case 'skatteverket':
        for (const p of r.employerReports)
          if (p.month === month) total += p.grossWageOre - p.preliminaryTaxOre;
        break;
      case 'akassa':
      case 'pensionsmyndigheten':
        for (const p of r.payments) if (p.month === month) total += p.grossOre - p.preliminaryTaxOre;
        break;
      case 'csn':
        for (const p of r.payments) if (p.month === month) total += p.grantOre + p.loanOre;
        break;
      default:
        break;
    }
  }
  return total;
}

const VEHICLE_VALUE_LIMIT_ORE = 2_000_000;

/**
 * Compares what the household declared with what the registers say. Anything that does not
 * match is a `mismatch` finding, which sends the case to a caseworker: the robot never decides
 * against register data it cannot reconcile.
 */
export function registerFindings(input: {
  month: string;
  declaredIncomeOre: number;
  responses: { who: string; response: RegisterResponse }[];
}): RegisterFinding[] {
  const findings: RegisterFinding[] = [];
  const reference = previousMonth(input.month);
  const reported = input.responses.reduce((sum, r) => sum + registerIncomeFor(r.response, reference), 0);
  const tolerance = Math.max(50_000, Math.round(input.declaredIncomeOre * 0.1));
  if (reported > input.declaredIncomeOre + tolerance) {
    findings.push({
      code: 'income_not_declared',
      severity: 'mismatch',
      text: `Registren visar inkomster på ${formatKronor(reported)} för ${reference}, men ansökan anger ${formatKronor(input.declaredIncomeOre)}.`,
    });
  }
  for (const { who, response } of input.responses) {
    for (const missing of response.unavailable) {
      findings.push({
        code: 'register_partial',
        severity: 'mismatch',
        text: `Uppgifter från ${missing.source} kunde inte hämtas för ${who}.`,
      });
    }
    for (const r of response.results) {
      if (r.source === 'arbetsformedlingen') {
        const latest = [...r.activityReports].sort((a, b) => a.month.localeCompare(b.month)).at(-1);
        if (!r.registered) {
          findings.push({
            code: 'not_registered_af',
            severity: 'mismatch',
            text: `${who} är inte inskriven hos Arbetsförmedlingen.`,
          });
        } else if (latest?.status === 501) {
          findings.push({
            code: 'activity_report_missing',
            severity: 'mismatch',
            text: `${who} har inte lämnat aktivitetsrapport för ${latest.month}.`,
          });
        } else if (latest?.status === 502) {
          findings.push({
            code: 'activity_report_unknown',
            severity: 'mismatch',
            text: `Aktivitetsrapportens status för ${who} kunde inte fastställas (teknisk fel hos Arbetsförmedlingen).`,
          });
        }
      }
      if (r.source === 'transportstyrelsen') {
        for (const v of r.vehicles) {
          if (v.estimatedValueOre > VEHICLE_VALUE_LIMIT_ORE) {
            findings.push({
              code: 'vehicle_asset',
              severity: 'mismatch',
              text: `${who} äger fordon ${v.registrationNumber} med uppskattat värde ${formatKronor(v.estimatedValueOre)}.`,
            });
          }
        }
      }
    }
  }
  return findings;
}
