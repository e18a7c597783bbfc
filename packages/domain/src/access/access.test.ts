import { describe, expect, it } from 'vitest';
import { type AgreementTerms, decideAccess, servedMunicipalities } from './access.ts';
import type { Actor } from './actor.ts';

const agreement: AgreementTerms = {
  agreementId: 'agr-1',
  hostCode: '1287',
  tenantCode: '1263',
  scopes: ['assistance', 'labour_market'],
  validFrom: '2025-01-01',
  validTo: null,
  status: 'active',
};
const caseworker: Actor = {
  kind: 'staff',
  username: 'handlaggare.trelleborg',
  displayName: 'H',
  employerCode: '1287',
  roles: ['caseworker'],
};
const followUpSvedala: Actor = {
  kind: 'staff',
  username: 'uppfoljare.svedala',
  displayName: 'U',
  employerCode: '1263',
  roles: ['follow_up'],
};
const active = (code: string) => ({ code, status: 'active' });
const today = '2026-12-01';

describe('decideAccess', () => {
  it('lets host staff act for the tenant under an agreement in force, naming the agreement', () => {
    expect(
      decideAccess({
        actor: caseworker,
        municipality: active('1263'),
        agreements: [agreement],
        action: 'cases.read',
        today,
      }),
    ).toEqual({ allowed: true, basis: 'agreement', agreementId: 'agr-1', hostCode: '1287' });
  });
  it('lets staff act for their own municipality', () => {
    expect(
      decideAccess({
        actor: caseworker,
        municipality: active('1287'),
        agreements: [],
        action: 'cases.decide',
        today,
      }),
    ).toEqual({ allowed: true, basis: 'own' });
  });
  it('refuses a municipality without an agreement', () => {
    expect(
      decideAccess({
        actor: caseworker,
        municipality: active('1233'),
        agreements: [agreement],
        action: 'cases.read',
        today,
      }),
    ).toEqual({ allowed: false, refusal: 'no_agreement' });
  });
  it('refuses after the agreement has ended and before it starts', () => {
    const ended = { ...agreement, validTo: '2026-06-30' };
    const future = { ...agreement, validFrom: '2027-01-01' };
    const terminated = { ...agreement, status: 'terminated' as const };
    for (const a of [ended, future, terminated]) {
      expect(
        decideAccess({
          actor: caseworker,
          municipality: active('1263'),
          agreements: [a],
          action: 'cases.read',
          today,
        }),
      ).toMatchObject({ allowed: false, refusal: 'no_agreement' });
    }
  });
  it('refuses work outside the agreement scope', () => {
    const onlyLabour = { ...agreement, scopes: ['labour_market' as const] };
    expect(
      decideAccess({
        actor: caseworker,
        municipality: active('1263'),
        agreements: [onlyLabour],
        action: 'cases.decide',
        today,
      }),
    ).toEqual({ allowed: false, refusal: 'outside_agreement_scope' });
  });
  it('never lets a follow-up officer act for another municipality, even where the employer is host', () => {
    const followUpHost: Actor = { ...caseworker, username: 'uppfoljare.trelleborg', roles: ['follow_up'] };
    for (const action of ['cases.read', 'statistics.read', 'billing.read'] as const) {
      expect(
        decideAccess({
          actor: followUpHost,
          municipality: active('1263'),
          agreements: [agreement],
          action,
          today,
        }),
      ).toEqual({ allowed: false, refusal: 'role_not_permitted' });
      // …while for its own municipality the same role may.
      expect(
        decideAccess({
          actor: followUpHost,
          municipality: active('1287'),
          agreements: [agreement],
          action,
          today,
        }),
      ).toEqual({ allowed: true, basis: 'own' });
    }
  });
  it("never lets the host change a tenant's norms or delegation, whatever its role", () => {
    const manager: Actor = { ...caseworker, username: 'enhetschef.trelleborg', roles: ['unit_manager'] };
    for (const action of ['norms.write', 'delegation.write', 'audit.read'] as const) {
      expect(
        decideAccess({
          actor: manager,
          municipality: active('1263'),
          agreements: [agreement],
          action,
          today,
        }),
      ).toEqual({ allowed: false, refusal: 'own_staff_only' });
    }
    expect(
      decideAccess({
        actor: manager,
        municipality: active('1287'),
        agreements: [agreement],
        action: 'norms.write',
        today,
      }),
    ).toEqual({ allowed: true, basis: 'own' });
  });
  it("lets Svedala's follow-up officer read Svedala only, and not decide", () => {
    const base = { actor: followUpSvedala, agreements: [agreement], today };
    expect(decideAccess({ ...base, municipality: active('1263'), action: 'statistics.read' })).toMatchObject({
      allowed: true,
    });
    expect(decideAccess({ ...base, municipality: active('1263'), action: 'cases.decide' })).toEqual({
      allowed: false,
      refusal: 'role_not_permitted',
    });
    // The agreement runs host → tenant only: the tenant's staff get nothing at the host.
    expect(decideAccess({ ...base, municipality: active('1287'), action: 'statistics.read' })).toEqual({
      allowed: false,
      refusal: 'no_agreement',
    });
  });
  it('refuses everything in a suspended municipality and refuses citizens on staff routes', () => {
    expect(
      decideAccess({
        actor: caseworker,
        municipality: { code: '1287', status: 'suspended' },
        agreements: [],
        action: 'cases.read',
        today,
      }),
    ).toEqual({ allowed: false, refusal: 'municipality_not_active' });
    expect(
      decideAccess({
        actor: { kind: 'citizen', personnummer: '198112189876' },
        municipality: active('1287'),
        agreements: [],
        action: 'cases.read',
        today,
      }),
    ).toEqual({ allowed: false, refusal: 'citizen_not_permitted' });
  });
});

describe('servedMunicipalities', () => {
  it('lists own municipality and tenants in force only', () => {
    const other = { ...agreement, agreementId: 'agr-2', tenantCode: '1233', validTo: '2025-12-31' };
    const served = servedMunicipalities('1287', [agreement, other], today);
    expect([...served.keys()].sort()).toEqual(['1263', '1287']);
  });
});
