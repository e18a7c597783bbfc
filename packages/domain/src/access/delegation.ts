import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { MUNICIPALITY_CODE_PATTERN } from '../identifiers.ts';
import type { Actor } from './actor.ts';
import { STAFF_ROLES } from './roles.ts';

/**
 * A tenant's delegationsordning as data. Each rule lets one delegate take one decision type,
 * within optional limits, for a period. The delegate is the robot (automatiserad
 * beslutsfunktion, KL 6 kap. 37–38 §§), a role at an employer, or a named person.
 * A delegate employed by another municipality is external delegation under an agreement
 * (KL 9 kap. 37 §): it is only valid while that agreement is in force.
 */
export const DECISION_TYPES = ['assistance.approve', 'assistance.reject'] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum ska skrivas ÅÅÅÅ-MM-DD');
const municipalityCode = z.string().regex(MUNICIPALITY_CODE_PATTERN, 'Ogiltig kommunkod');

const delegateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('robot'), mode: z.enum(['decide', 'propose']) }),
  z.strictObject({ kind: z.literal('role'), role: z.enum(STAFF_ROLES), employerCode: municipalityCode }),
  z.strictObject({
    kind: z.literal('person'),
    username: z.string().min(1).max(100),
    employerCode: municipalityCode,
  }),
]);

export const delegationRuleInputSchema = z
  .strictObject({
    reference: z.string().min(1).max(100), // the item in the delegationsordning, e.g. "4.1"
    decisionType: z.enum(DECISION_TYPES),
    delegate: delegateSchema,
    maxAmountOre: z.number().int().positive().nullable().default(null),
    /** Limit as a multiple of the household's norm amount (e.g. 1.5 × riksnorm). */
    maxNormMultiple: z.number().positive().max(100).nullable().default(null),
    validFrom: isoDate,
    validTo: isoDate.nullable().default(null),
    note: z.string().max(1000).nullable().default(null),
  })
  .refine((r) => r.validTo === null || r.validFrom <= r.validTo, {
    message: 'validTo får inte ligga före validFrom',
    path: ['validTo'],
  });

export type DelegationRuleInput = z.infer<typeof delegationRuleInputSchema>;
export type DelegationRule = DelegationRuleInput & { ruleId: string };
export type Delegate = DelegationRule['delegate'];

export function parseDelegationRule(input: unknown): DelegationRuleInput {
  const result = delegationRuleInputSchema.safeParse(input);
  if (!result.success) {
    throw new DomainError('delegation_invalid', 'Delegationsregeln är ogiltig.', {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

export interface DelegationQuestion {
  tenantCode: string;
  actor: Actor;
  decisionType: DecisionType;
  /** The amount decided (approved amount; 0 for a rejection). */
  amountOre: number;
  /** The household's norm amount, for norm-multiple limits. */
  normOre?: number;
  /** YYYY-MM-DD (Europe/Stockholm) */
  date: string;
  /** Employer codes that have an agreement in force with the tenant (external delegation). */
  hostsInAgreement: readonly string[];
}

export type DelegationAnswer =
  | { allowed: true; mode: 'decide'; rule: DelegationRule }
  /** The robot may not decide but may propose; `signers` are the rules under which someone may sign. */
  | { allowed: false; mode: 'propose'; proposeRule: DelegationRule; signers: DelegationRule[] }
  | { allowed: false; mode: 'none'; reason: 'no_rule' | 'over_limit' | 'external_without_agreement' };

const inForce = (r: DelegationRule, date: string) =>
  r.validFrom <= date && (r.validTo === null || date <= r.validTo);

function withinLimits(r: DelegationRule, q: DelegationQuestion): boolean {
  if (r.maxAmountOre !== null && q.amountOre > r.maxAmountOre) return false;
  if (r.maxNormMultiple !== null) {
    if (q.normOre === undefined) return false; // a norm-limited rule cannot be used without the norm
    if (q.amountOre > Math.floor(q.normOre * r.maxNormMultiple)) return false;
  }
  return true;
}

function delegateMatches(d: Delegate, actor: Actor): boolean {
  switch (d.kind) {
    case 'robot':
      return actor.kind === 'robot' && d.mode === 'decide';
    case 'role':
      return actor.kind === 'staff' && actor.employerCode === d.employerCode && actor.roles.includes(d.role);
    case 'person':
      return actor.kind === 'staff' && actor.employerCode === d.employerCode && actor.username === d.username;
  }
}

/** External delegation is only valid while the delegate's employer has an agreement with the tenant. */
function employerAllowed(d: Delegate, q: DelegationQuestion): boolean {
  if (d.kind === 'robot') return true;
  return d.employerCode === q.tenantCode || q.hostsInAgreement.includes(d.employerCode);
}

/**
 * May this actor take this decision for this tenant today? Pure: the caller supplies the
 * tenant's rules and which hosts have an agreement in force.
 */
export function evaluateDelegation(
  rules: readonly DelegationRule[],
  q: DelegationQuestion,
): DelegationAnswer {
  const candidates = rules.filter((r) => r.decisionType === q.decisionType && inForce(r, q.date));
  const matching = candidates.filter((r) => delegateMatches(r.delegate, q.actor));
  const usable = matching.filter((r) => employerAllowed(r.delegate, q));
  const decideRule = usable.find((r) => withinLimits(r, q));
  if (decideRule) return { allowed: true, mode: 'decide', rule: decideRule };

  if (q.actor.kind === 'robot') {
    const proposeRule = candidates.find((r) => r.delegate.kind === 'robot' && r.delegate.mode === 'propose');
    const signers = candidates.filter(
      (r) => r.delegate.kind !== 'robot' && employerAllowed(r.delegate, q) && withinLimits(r, q),
    );
    // A robot rule that decides but is over its limit also falls back to proposing when someone can sign.
    const overLimitRobot = candidates.find(
      (r) => r.delegate.kind === 'robot' && r.delegate.mode === 'decide',
    );
    const fallback = proposeRule ?? (overLimitRobot && signers.length > 0 ? overLimitRobot : undefined);
    if (fallback && signers.length > 0)
      return { allowed: false, mode: 'propose', proposeRule: fallback, signers };
  }
  if (matching.length > 0 && usable.length === 0) {
    return { allowed: false, mode: 'none', reason: 'external_without_agreement' };
  }
  return { allowed: false, mode: 'none', reason: usable.length > 0 ? 'over_limit' : 'no_rule' };
}
