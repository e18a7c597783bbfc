import { actorByName, createRule, endRule, evaluateFor, listRules } from '@samverkan/core';
import type { DelegationRuleRow } from '@samverkan/db';
import { route, tenantCtx } from '../routing.ts';

const ruleBody = (tenantCode: string) => (r: DelegationRuleRow) => {
  const delegate = r.delegate as { kind: string; employerCode?: string };
  return {
    ruleId: r.ruleId,
    reference: r.reference,
    decisionType: r.decisionType as 'assistance.approve' | 'assistance.reject',
    delegate: r.delegate as never,
    maxAmountOre: r.maxAmountOre,
    maxNormMultiple: r.maxNormMultiple === null ? null : Number(r.maxNormMultiple),
    validFrom: r.validFrom,
    validTo: r.validTo,
    note: r.note,
    external: delegate.kind !== 'robot' && delegate.employerCode !== tenantCode,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    endedBy: r.endedBy,
  };
};

export const delegationRoutes = {
  listDelegationRules: route('listDelegationRules', {
    guard: { action: 'delegation.read' },
    handler: async (_input, rc) => {
      const ctx = tenantCtx(rc);
      return { items: (await listRules(ctx)).map(ruleBody(ctx.tenant.code)) };
    },
  }),
  createDelegationRule: route('createDelegationRule', {
    guard: { action: 'delegation.write' },
    handler: async ({ body, reply }, rc) => {
      const ctx = tenantCtx(rc);
      const row = await createRule(ctx, body);
      reply.code(201);
      return ruleBody(ctx.tenant.code)(row);
    },
  }),
  endDelegationRule: route('endDelegationRule', {
    guard: { action: 'delegation.write' },
    handler: async ({ params, body }, rc) => {
      const ctx = tenantCtx(rc);
      return ruleBody(ctx.tenant.code)(await endRule(ctx, params.ruleId, body.validTo));
    },
  }),
  evaluateDelegation: route('evaluateDelegation', {
    guard: { action: 'delegation.read' },
    handler: async ({ body }, rc) => {
      const ctx = tenantCtx(rc);
      const answer = await evaluateFor(ctx, {
        actor: await actorByName(ctx, body.actor),
        decisionType: body.decisionType,
        amountOre: body.amountOre,
        ...(body.normOre === undefined ? {} : { normOre: body.normOre }),
        ...(body.date === undefined ? {} : { date: body.date }),
      });
      if (answer.mode === 'decide') {
        return {
          allowed: true,
          mode: 'decide' as const,
          ruleId: answer.rule.ruleId,
          reference: answer.rule.reference,
          reason: null,
          signerRuleIds: [],
        };
      }
      if (answer.mode === 'propose') {
        return {
          allowed: false,
          mode: 'propose' as const,
          ruleId: answer.proposeRule.ruleId,
          reference: answer.proposeRule.reference,
          reason: null,
          signerRuleIds: answer.signers.map((s) => s.ruleId),
        };
      }
      return {
        allowed: false,
        mode: 'none' as const,
        ruleId: null,
        reference: null,
        reason: answer.reason,
        signerRuleIds: [],
      };
    },
  }),
};
