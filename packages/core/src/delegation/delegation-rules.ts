import {
  type DelegationRuleRow,
  endDelegationRule as endRuleRow,
  findActiveStaff,
  insertDelegationRule,
  listAgreementsFor,
  listDelegationRules,
  platform,
  tenant,
} from '@samverkan/db';
import {
  type Actor,
  type DecisionType,
  type DelegationRule,
  DomainError,
  evaluateDelegation,
  isAgreementInForce,
  isStaffRole,
  parseDelegationRule,
  ROBOT,
} from '@samverkan/domain';
import { toAgreementTerms } from '../access/agreements.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';

export function toDelegationRule(row: DelegationRuleRow): DelegationRule {
  return {
    ruleId: row.ruleId,
    reference: row.reference,
    decisionType: row.decisionType as DecisionType,
    delegate: row.delegate as DelegationRule['delegate'],
    maxAmountOre: row.maxAmountOre,
    maxNormMultiple: row.maxNormMultiple === null ? null : Number(row.maxNormMultiple),
    validFrom: row.validFrom,
    validTo: row.validTo,
    note: row.note,
  };
}

export const listRules = (ctx: Ctx) => listDelegationRules(tenant(ctx.db, ctx.tenant.schema));

const staffUsername = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind);

export async function createRule(ctx: Ctx, input: unknown): Promise<DelegationRuleRow> {
  const rule = parseDelegationRule(input);
  const today = stockholmToday(ctx.now());
  if (rule.validFrom < today) {
    throw new DomainError('delegation_invalid', 'Delegation kan inte ges retroaktivt.', {
      issues: [{ path: 'validFrom', message: `Giltig från måste vara ${today} eller senare.` }],
    });
  }
  if (rule.delegate.kind === 'person') {
    const person = await findActiveStaff(platform(ctx.db), rule.delegate.username);
    if (!person || person.employerCode !== rule.delegate.employerCode) {
      throw new DomainError('delegation_invalid', 'Delegaten finns inte hos den angivna arbetsgivaren.', {
        issues: [{ path: 'delegate.username', message: 'Okänd delegat.' }],
      });
    }
  }
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertDelegationRule(tenant(trx, ctx.tenant.schema), {
      reference: rule.reference,
      decisionType: rule.decisionType,
      delegate: JSON.stringify(rule.delegate),
      maxAmountOre: rule.maxAmountOre,
      maxNormMultiple: rule.maxNormMultiple,
      validFrom: rule.validFrom,
      validTo: rule.validTo,
      note: rule.note,
      createdBy: staffUsername(ctx),
    });
    await recordAudit(
      ctx,
      { action: 'delegation.create', objectType: 'delegation_rule', objectId: row.ruleId, detail: { rule } },
      trx,
    );
    return row;
  });
}

export async function endRule(ctx: Ctx, ruleId: string, validTo: string): Promise<DelegationRuleRow> {
  const today = stockholmToday(ctx.now());
  if (validTo < today) {
    throw new DomainError('delegation_invalid', 'En delegation kan inte avslutas retroaktivt.', {
      issues: [{ path: 'validTo', message: `Sista giltighetsdag måste vara ${today} eller senare.` }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const row = await endRuleRow(tenant(trx, ctx.tenant.schema), ruleId, validTo, staffUsername(ctx));
    if (!row)
      throw new DomainError('not_found', 'Delegationsregeln finns inte eller kan inte avslutas det datumet.');
    await recordAudit(
      ctx,
      { action: 'delegation.end', objectType: 'delegation_rule', objectId: ruleId, detail: { validTo } },
      trx,
    );
    return row;
  });
}

/** Loads the tenant's rules and the hosts in agreement, then asks the pure evaluator. */
export interface DelegationContext {
  rules: DelegationRule[];
  hostsInAgreement: string[];
  date: string;
}

/** The tenant's rules and the hosts with an agreement in force on a date — load once per batch. */
export async function loadDelegationContext(
  ctx: Ctx,
  date = stockholmToday(ctx.now()),
): Promise<DelegationContext> {
  const [rows, agreements] = await Promise.all([
    listDelegationRules(tenant(ctx.db, ctx.tenant.schema)),
    listAgreementsFor(platform(ctx.db), ctx.tenant.code),
  ]);
  return {
    rules: rows.map(toDelegationRule),
    hostsInAgreement: agreements
      .map(toAgreementTerms)
      .filter((a) => a.tenantCode === ctx.tenant.code && isAgreementInForce(a, date))
      .map((a) => a.hostCode),
    date,
  };
}

export interface DelegationRequest {
  actor: Actor;
  decisionType: DecisionType;
  amountOre: number;
  normOre?: number;
}

export function evaluateIn(ctx: Ctx, dc: DelegationContext, input: DelegationRequest) {
  return evaluateDelegation(dc.rules, {
    tenantCode: ctx.tenant.code,
    actor: input.actor,
    decisionType: input.decisionType,
    amountOre: input.amountOre,
    ...(input.normOre === undefined ? {} : { normOre: input.normOre }),
    date: dc.date,
    hostsInAgreement: dc.hostsInAgreement,
  });
}

export async function evaluateFor(ctx: Ctx, input: DelegationRequest & { date?: string }) {
  return evaluateIn(ctx, await loadDelegationContext(ctx, input.date), input);
}

/** The evaluate endpoint names its actor: "robot" or a staff username. */
export async function actorByName(ctx: Ctx, name: string): Promise<Actor> {
  if (name === 'robot') return ROBOT;
  const staff = await findActiveStaff(platform(ctx.db), name);
  if (!staff) throw new DomainError('not_found', `Användaren ${name} finns inte.`);
  return {
    kind: 'staff',
    username: staff.username,
    displayName: staff.displayName,
    employerCode: staff.employerCode,
    roles: staff.roles.filter(isStaffRole),
  };
}
