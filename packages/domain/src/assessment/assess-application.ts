import { COST_LABELS } from '../calculation/labels.ts';
import { LEGAL_REFERENCES } from '../calculation/legal-references.ts';
import type { Calculation } from '../calculation/types.ts';
import { formatSwedishMonth } from '../calendar/iso-date.ts';
import { formatKronor, type Ore } from '../money.ts';
import { isCostType } from '../norms/types.ts';
import type { Assessment, AssessmentInput, AssessmentReason } from './types.ts';

/**
 * The robot's routing (DOMAIN.md §4). Anything a human must look at → 'manual'; otherwise
 * 'reject' when the household's income covers the need or the applicant has not been available
 * for work without good reason (12 kap. 3 §); otherwise 'approve'.
 *
 * For 'manual' the reasons list every ground for manual handling first, then any rejection
 * grounds that would otherwise have applied, so the caseworker sees the whole picture.
 */
export function assessApplication(input: AssessmentInput): Assessment {
  const manual = manualReasons(input);
  const reject = rejectionReasons(input);
  if (manual.length > 0) return { outcome: 'manual', reasons: [...manual, ...reject] };
  if (reject.length > 0) return { outcome: 'reject', reasons: reject };
  const { calculation, guidelines } = input;
  return {
    outcome: 'approve',
    reasons: [
      {
        code: 'approved',
        text: `Du beviljas ekonomiskt bistånd till försörjningen med ${formatKronor(calculation.payableOre)} för ${formatSwedishMonth(calculation.month)}. Beloppet är normen och godtagbara kostnader (${formatKronor(calculation.needOre)}) minus hushållets inkomster (${formatKronor(calculation.countedIncomeOre)}).`,
        legalReference: guidelines.decisionLegalReference ?? LEGAL_REFERENCES.assistance,
      },
    ],
  };
}

/** The rent applied for this month (before any cap); 0 when none was applied for. */
export function appliedRentOre(calculation: Calculation): Ore {
  const capped = calculation.cappedCosts.find((c) => c.type === 'rent');
  if (capped) return capped.appliedOre;
  return calculation.lines.find((l) => l.code === 'cost.rent')?.amountOre ?? 0;
}

const formatPercent = (value: number): string =>
  `${value.toLocaleString('sv-SE', { maximumFractionDigits: 1 }).replace('-', '−')} %`;

function manualReasons(input: AssessmentInput): AssessmentReason[] {
  const { calculation: calc, guidelines: g } = input;
  const reasons: AssessmentReason[] = [];

  if (input.technicalError !== undefined) {
    reasons.push({ code: 'technical_error', text: `Tekniskt fel i handläggningen: ${input.technicalError}` });
  }
  if (input.previousDecision?.month === calc.month) {
    reasons.push({
      code: 'decision_exists_for_month',
      text: `Det finns redan ett beslut för ${formatSwedishMonth(calc.month)}. Kontrollera att det inte blir en dubbel utbetalning.`,
    });
  }
  if (input.hasOtherItems || calc.unassessedItems.length > 0) {
    const sum = calc.unassessedItems.reduce((a, c) => a + c.amountOre, 0);
    const what = calc.unassessedItems.map((c) => c.description ?? COST_LABELS[c.type]).join(', ');
    reasons.push({
      code: 'other_items',
      text:
        calc.unassessedItems.length > 0
          ? `Ansökan innehåller övriga poster som ska prövas av handläggare: ${what} (sammanlagt ${formatKronor(sum)}).`
          : 'Ansökan innehåller övriga poster som ska prövas av handläggare.',
    });
  }
  for (const capped of calc.cappedCosts) {
    reasons.push({
      code: 'cost_above_guideline',
      text: `${COST_LABELS[capped.type]}: sökt ${formatKronor(capped.appliedOre)} är högre än riktlinjernas ${formatKronor(capped.acceptedOre)}.`,
      legalReference: LEGAL_REFERENCES.tenantGuidelines,
    });
  }
  const costTypes = new Set(
    calc.lines
      .filter((l) => l.code.startsWith('cost.'))
      .map((l) => l.code.slice('cost.'.length))
      .filter(isCostType),
  );
  const notApprovable = [...costTypes].filter(
    (t) => t !== 'otherItem' && !g.robotApprovableCostTypes.includes(t),
  );
  if (notApprovable.length > 0) {
    reasons.push({
      code: 'cost_type_not_robot_approvable',
      text: `Kostnader som enligt riktlinjerna inte beviljas automatiskt: ${notApprovable.map((t) => COST_LABELS[t].toLowerCase()).join(', ')}.`,
    });
  }
  const prev = input.previousDecision;
  if (prev) {
    const current = appliedRentOre(calc);
    const change = current - prev.rentOre;
    const absChange = Math.abs(change);
    const percent =
      prev.rentOre > 0 ? (change * 100) / prev.rentOre : change === 0 ? 0 : Number.POSITIVE_INFINITY;
    if (
      absChange > g.manualThresholds.rentChangeOre ||
      Math.abs(percent) > g.manualThresholds.rentChangePercent
    ) {
      const sign = change > 0 ? '+' : '−';
      const pct = Number.isFinite(percent) ? `, ${sign}${formatPercent(Math.abs(percent))}` : '';
      reasons.push({
        code: 'rent_change',
        text: `Hyran har ändrats från ${formatKronor(prev.rentOre)} till ${formatKronor(current)} (${sign}${formatKronor(absChange)}${pct}) jämfört med beslutet för ${formatSwedishMonth(prev.month)}.`,
      });
    }
  }
  for (const finding of input.registerFindings) {
    if (finding.severity === 'mismatch') {
      reasons.push({
        code: 'register_mismatch',
        text: `Avvikelse mot registeruppgift (${finding.code}): ${finding.text}`,
      });
    }
  }
  const plan = input.labourPlan;
  if (!plan?.coversMonth) {
    reasons.push({
      code: 'no_labour_plan',
      text: `Det finns ingen arbetsmarknadsplan som omfattar ${formatSwedishMonth(calc.month)}.`,
    });
  } else if (plan.availableForWork === null) {
    reasons.push({
      code: 'availability_not_judged',
      text: 'Arbetsmarknadssekreteraren har inte bedömt om den sökande står till arbetsmarknadens förfogande.',
    });
  } else if (plan.availableForWork === false && plan.reason?.trim()) {
    reasons.push({
      code: 'availability_reason_to_assess',
      text: `Den sökande bedöms inte stå till arbetsmarknadens förfogande, med angivet skäl: ”${plan.reason.trim()}”. Handläggaren prövar om skälet är godtagbart.`,
      legalReference: LEGAL_REFERENCES.availableForWork,
    });
  }
  if (calc.payableOre > g.manualThresholds.maxRobotAmountOre) {
    reasons.push({
      code: 'amount_above_robot_limit',
      text: `Beloppet ${formatKronor(calc.payableOre)} är högre än gränsen för automatiskt beslut (${formatKronor(g.manualThresholds.maxRobotAmountOre)}).`,
    });
  }
  return reasons;
}

function rejectionReasons(input: AssessmentInput): AssessmentReason[] {
  const { calculation: calc } = input;
  const month = formatSwedishMonth(calc.month);
  const reasons: AssessmentReason[] = [];
  if (calc.payableOre === 0) {
    if (calc.resultOre <= 0) {
      const verb = calc.resultOre < 0 ? 'överstiger' : 'är lika stora som';
      reasons.push({
        code: 'income_covers_need',
        text: `Hushållets inkomster för månaden (${formatKronor(calc.countedIncomeOre)}) ${verb} normen och godtagbara kostnader (${formatKronor(calc.needOre)}). Ni har därför inte rätt till ekonomiskt bistånd till försörjningen för ${month}.`,
        legalReference: LEGAL_REFERENCES.assistance,
      });
    } else {
      reasons.push({
        code: 'amount_rounds_to_zero',
        text: `Det som återstår när hushållets inkomster (${formatKronor(calc.countedIncomeOre)}) dras från normen och godtagbara kostnader (${formatKronor(calc.needOre)}) är ${formatKronor(calc.resultOre)}, vilket blir 0 kr efter kommunens avrundning. Inget bistånd betalas därför ut för ${month}.`,
        legalReference: `${LEGAL_REFERENCES.assistance}; ${LEGAL_REFERENCES.tenantGuidelines}`,
      });
    }
  }
  const plan = input.labourPlan;
  if (plan?.availableForWork === false && !plan.reason?.trim()) {
    reasons.push({
      code: 'not_available_for_work',
      text: `Du har inte stått till arbetsmarknadens förfogande och har inte haft godtagbara skäl för det. För att ha rätt till ekonomiskt bistånd till försörjningen ska du stå till arbetsmarknadens förfogande. Därför avslås din ansökan för ${month}.`,
      legalReference: LEGAL_REFERENCES.availableForWork,
    });
  }
  return reasons;
}
