import { describe, expect, it } from 'vitest';
import { type Actor, ROBOT } from './actor.ts';
import { type DelegationRule, evaluateDelegation, parseDelegationRule } from './delegation.ts';

let n = 0;
const rule = (input: Record<string, unknown>): DelegationRule => ({
  ruleId: `r${++n}`,
  ...parseDelegationRule({ reference: '4.1', validFrom: '2025-01-01', ...input }),
});
const delegate: Actor = {
  kind: 'staff',
  username: 'handlaggare.trelleborg',
  displayName: 'Hanna',
  employerCode: '1287',
  roles: ['caseworker'],
};
const q = (over: Partial<Parameters<typeof evaluateDelegation>[1]> = {}) => ({
  tenantCode: '1263',
  actor: ROBOT,
  decisionType: 'assistance.approve' as const,
  amountOre: 500_000,
  date: '2026-12-01',
  hostsInAgreement: ['1287'],
  ...over,
});

// Trelleborg: the robot decides approvals up to 15 000 kr and all rejections.
const trelleborg = [
  rule({
    decisionType: 'assistance.approve',
    delegate: { kind: 'robot', mode: 'decide' },
    maxAmountOre: 1_500_000,
  }),
  rule({ decisionType: 'assistance.reject', delegate: { kind: 'robot', mode: 'decide' } }),
  rule({
    decisionType: 'assistance.approve',
    delegate: { kind: 'role', role: 'caseworker', employerCode: '1287' },
  }),
];
// Svedala: the robot only proposes; a named Trelleborg delegate signs (external delegation).
const svedala = [
  rule({ decisionType: 'assistance.approve', delegate: { kind: 'robot', mode: 'propose' } }),
  rule({
    decisionType: 'assistance.approve',
    delegate: { kind: 'person', username: 'handlaggare.trelleborg', employerCode: '1287' },
    maxNormMultiple: 2,
  }),
];

describe('evaluateDelegation', () => {
  it('lets the robot decide within its amount limit', () => {
    const answer = evaluateDelegation(trelleborg, q({ tenantCode: '1287' }));
    expect(answer).toMatchObject({ allowed: true, mode: 'decide', rule: { ruleId: trelleborg[0]?.ruleId } });
  });
  it('sends the robot over its limit to a proposal a caseworker can sign', () => {
    const answer = evaluateDelegation(trelleborg, q({ tenantCode: '1287', amountOre: 1_500_001 }));
    expect(answer.mode).toBe('propose');
    if (answer.mode === 'propose')
      expect(answer.signers.map((s) => s.ruleId)).toEqual([trelleborg[2]?.ruleId]);
  });
  it('makes the robot propose for Svedala and names the external delegate as signer', () => {
    const answer = evaluateDelegation(svedala, q({ normOre: 522_000 }));
    expect(answer).toMatchObject({
      allowed: false,
      mode: 'propose',
      proposeRule: { ruleId: svedala[0]?.ruleId },
    });
    if (answer.mode === 'propose') expect(answer.signers.map((s) => s.ruleId)).toEqual([svedala[1]?.ruleId]);
    // No one could sign an amount above the delegate's limit: no proposal, the case goes to a human.
    expect(evaluateDelegation(svedala, q({ normOre: 522_000, amountOre: 2_000_000 }))).toMatchObject({
      mode: 'none',
    });
  });
  it('lets the named external delegate sign within the norm multiple, not above it', () => {
    expect(
      evaluateDelegation(svedala, q({ actor: delegate, normOre: 522_000, amountOre: 1_044_000 })),
    ).toMatchObject({
      allowed: true,
    });
    expect(
      evaluateDelegation(svedala, q({ actor: delegate, normOre: 522_000, amountOre: 1_044_001 })),
    ).toMatchObject({
      allowed: false,
      reason: 'over_limit',
    });
    // Without the norm, a norm-limited rule cannot be used.
    expect(evaluateDelegation(svedala, q({ actor: delegate }))).toMatchObject({ allowed: false });
  });
  it('refuses the external delegate when the agreement is not in force', () => {
    expect(
      evaluateDelegation(svedala, q({ actor: delegate, normOre: 522_000, hostsInAgreement: [] })),
    ).toMatchObject({ allowed: false, reason: 'external_without_agreement' });
  });
  it('refuses another person with the same role but no personal delegation', () => {
    const colleague: Actor = { ...delegate, username: 'annan.handlaggare' };
    expect(evaluateDelegation(svedala, q({ actor: colleague, normOre: 522_000 }))).toMatchObject({
      allowed: false,
      reason: 'no_rule',
    });
  });
  it('ignores rules outside their validity period', () => {
    const expired = [
      rule({
        delegate: { kind: 'robot', mode: 'decide' },
        decisionType: 'assistance.approve',
        validTo: '2026-06-30',
      }),
    ];
    expect(evaluateDelegation(expired, q({ tenantCode: '1287' }))).toMatchObject({
      allowed: false,
      reason: 'no_rule',
    });
  });
  it('refuses a decision type no rule covers (robot rejections in Svedala)', () => {
    expect(evaluateDelegation(svedala, q({ decisionType: 'assistance.reject', amountOre: 0 }))).toMatchObject(
      {
        allowed: false,
        mode: 'none',
      },
    );
  });
  it('rejects malformed rules with field paths', () => {
    expect(() =>
      parseDelegationRule({
        reference: '1',
        decisionType: 'x',
        delegate: { kind: 'robot' },
        validFrom: 'igår',
      }),
    ).toThrow(expect.objectContaining({ code: 'delegation_invalid' }));
    expect(() =>
      parseDelegationRule({
        reference: '1',
        decisionType: 'assistance.approve',
        delegate: { kind: 'role', role: 'caseworker', employerCode: '1287; drop schema' },
        validFrom: '2025-01-01',
      }),
    ).toThrow();
  });
});
