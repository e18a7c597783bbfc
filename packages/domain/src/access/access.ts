import type { Actor } from './actor.ts';
import {
  ACTION_SCOPE,
  type Action,
  type AgreementScope,
  OWN_MUNICIPALITY_ROLES,
  OWN_STAFF_ONLY,
  ROLE_ACTIONS,
} from './roles.ts';

export interface AgreementTerms {
  agreementId: string;
  hostCode: string;
  tenantCode: string;
  scopes: readonly AgreementScope[];
  validFrom: string; // YYYY-MM-DD
  validTo: string | null; // inclusive; null = until further notice
  status: 'active' | 'terminated';
}

export type AccessBasis = { basis: 'own' } | { basis: 'agreement'; agreementId: string; hostCode: string };

export type AccessRefusal =
  | 'municipality_not_active'
  | 'no_agreement'
  | 'outside_agreement_scope'
  | 'role_not_permitted'
  | 'own_staff_only'
  | 'citizen_not_permitted';

export type AccessDecision = ({ allowed: true } & AccessBasis) | { allowed: false; refusal: AccessRefusal };

export function isAgreementInForce(agreement: AgreementTerms, today: string): boolean {
  return (
    agreement.status === 'active' &&
    agreement.validFrom <= today &&
    (agreement.validTo === null || today <= agreement.validTo)
  );
}

/**
 * Which municipalities a staff member's employer may act for today, and in what scopes:
 * its own, plus every tenant with an agreement in force naming the employer as host.
 */
export function servedMunicipalities(
  employerCode: string,
  agreements: readonly AgreementTerms[],
  today: string,
): Map<
  string,
  { basis: 'own' } | { basis: 'agreement'; agreementId: string; scopes: readonly AgreementScope[] }
> {
  const served = new Map<
    string,
    { basis: 'own' } | { basis: 'agreement'; agreementId: string; scopes: readonly AgreementScope[] }
  >();
  served.set(employerCode, { basis: 'own' });
  for (const a of agreements) {
    if (a.hostCode === employerCode && a.tenantCode !== employerCode && isAgreementInForce(a, today)) {
      served.set(a.tenantCode, { basis: 'agreement', agreementId: a.agreementId, scopes: a.scopes });
    }
  }
  return served;
}

/**
 * The access rule, first two legs: may this actor's employer act for the municipality at all
 * (own municipality, or an agreement in force covering the action's scope), and does the
 * actor's role include the action. The third leg — may this person or the robot take a given
 * *decision* — is the tenant's delegation rules (evaluateDelegation).
 */
export function decideAccess(input: {
  actor: Actor;
  municipality: { code: string; status: string };
  agreements: readonly AgreementTerms[];
  action: Action;
  today: string;
}): AccessDecision {
  const { actor, municipality, agreements, action, today } = input;
  if (municipality.status !== 'active') return { allowed: false, refusal: 'municipality_not_active' };
  if (actor.kind === 'citizen') return { allowed: false, refusal: 'citizen_not_permitted' };
  if (actor.kind === 'robot') return { allowed: true, basis: 'own' };

  const permitted = actor.roles.some((role) => ROLE_ACTIONS[role].includes(action));
  if (actor.employerCode === municipality.code) {
    return permitted ? { allowed: true, basis: 'own' } : { allowed: false, refusal: 'role_not_permitted' };
  }
  const agreement = agreements.find(
    (a) =>
      a.hostCode === actor.employerCode && a.tenantCode === municipality.code && isAgreementInForce(a, today),
  );
  if (!agreement) return { allowed: false, refusal: 'no_agreement' };
  if (OWN_STAFF_ONLY.has(action)) return { allowed: false, refusal: 'own_staff_only' };
  const scope = ACTION_SCOPE[action];
  if (scope && !agreement.scopes.includes(scope))
    return { allowed: false, refusal: 'outside_agreement_scope' };
  // Under an agreement only roles that work for others count (not the follow-up officer's).
  const permittedForOthers = actor.roles.some(
    (role) => !OWN_MUNICIPALITY_ROLES.has(role) && ROLE_ACTIONS[role].includes(action),
  );
  if (!permittedForOthers) return { allowed: false, refusal: 'role_not_permitted' };
  return {
    allowed: true,
    basis: 'agreement',
    agreementId: agreement.agreementId,
    hostCode: agreement.hostCode,
  };
}
