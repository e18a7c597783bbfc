import { runRobot } from '@samverkan/core';
import { buildPersonnummer, type PersonFixtureInput } from '@samverkan/registers';
import { expect } from 'vitest';
import type { TestApp } from './helpers.ts';

export const MONTH = '2026-12';
let serial = 100;

/** A person folkbokförd in the municipality, with fixed register data (the simulator's fixture). */
export function person(
  t: TestApp,
  code: string,
  profile: PersonFixtureInput['profile'] = {},
  birth = '19900101',
) {
  serial += 1;
  const personnummer = buildPersonnummer(birth, String(serial).padStart(3, '0'));
  t.simulator.setPerson({
    description: 'test',
    population: {
      personnummer,
      givenName: `Test${serial}`,
      familyName: 'Testsson',
      municipalityCode: code,
      address: { street: 'Testgatan 1', postalCode: '231 00', city: 'Trelleborg' },
      protectedIdentity: false,
      deceased: false,
    },
    profile: {
      labourMarket: { registered: true, registrationDate: '2025-01-01', program: null },
      ...profile,
    },
  });
  return { personnummer };
}

export const baseForm = (over: Record<string, unknown> = {}) => ({
  month: MONTH,
  household: { partner: null, children: [] },
  incomes: [],
  costs: [{ type: 'rent', amountOre: 600_000 }],
  otherItems: [],
  payoutAccount: { kind: 'bank_account', clearing: '8327', account: '9412345678' },
  declarations: { truthful: true, consentRegisterCheck: true },
  ...over,
});

export async function freeSlot(t: TestApp, code: string, who: { personnummer: string }) {
  const res = await t.app.inject({ url: `/v1/municipalities/${code}/intake-slots`, headers: t.auth(who) });
  expect(res.statusCode, res.body).toBe(200);
  const slot = res.json().items[0];
  expect(slot, 'a free intake slot').toBeDefined();
  return slot.slotId as string;
}

export async function createSlots(t: TestApp, code: string, n: number) {
  const start = Date.now() + 3 * 86_400_000;
  const slots = Array.from({ length: n }, (_, i) => ({
    startsAt: new Date(start + i * 3_600_000).toISOString(),
    endsAt: new Date(start + i * 3_600_000 + 2_700_000).toISOString(),
    place: i % 2 ? 'host_office' : 'tenant_office',
    locationName: i % 2 ? 'Arbetsmarknadsförvaltningen, Trelleborg' : 'Kommunhuset',
    officerUsername: 'ask.trelleborg',
  }));
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/municipalities/${code}/intake-slots`,
    headers: t.auth('ask.trelleborg'),
    payload: { slots },
  });
  expect(res.statusCode, res.body).toBe(201);
}

export async function submit(
  t: TestApp,
  code: string,
  who: { personnummer: string },
  form: Record<string, unknown>,
  withSlot = true,
) {
  const payload: Record<string, unknown> = { form };
  if (withSlot) payload.slotId = await freeSlot(t, code, who);
  return t.app.inject({
    method: 'POST',
    url: `/v1/municipalities/${code}/applications`,
    headers: t.auth(who),
    payload,
  });
}

export async function plan(t: TestApp, code: string, who: { personnummer: string }, available = true) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/municipalities/${code}/labour-assessments`,
    headers: t.auth('ask.trelleborg'),
    payload: {
      personnummer: who.personnummer,
      availableForWork: available,
      planFrom: '2026-11-01',
      planTo: '2027-05-31',
      track: 'Lager och logistik',
      ...(available ? {} : { reason: 'Sjukskriven enligt läkarintyg' }),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
}

export function robot(t: TestApp, code: string, applicationId: string) {
  return runRobot(
    { db: t.db, registers: t.registers, log: { info() {}, warn() {}, error() {} }, now: () => new Date() },
    { municipalityCode: code, applicationId },
    `test:${applicationId}`,
  );
}

/** Submits, records a plan, runs the robot; returns the application id. */
export async function applyAndAssess(
  t: TestApp,
  code: string,
  who: { personnummer: string },
  form: Record<string, unknown>,
  opts: { plan?: boolean; slot?: boolean } = {},
) {
  const res = await submit(t, code, who, form, opts.slot ?? true);
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().applicationId as string;
  if (opts.plan ?? true) await plan(t, code, who);
  const outcome = await robot(t, code, id);
  return { id, outcome };
}

export async function caseOf(t: TestApp, code: string, id: string, as = 'handlaggare.trelleborg') {
  const res = await t.app.inject({ url: `/v1/municipalities/${code}/cases/${id}`, headers: t.auth(as) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
