import {
  type Agreement,
  findMunicipality,
  listAgreements,
  listAgreementsFor,
  listMunicipalities,
  type Municipality,
  platform,
} from '@samverkan/db';
import {
  ACTIONS,
  type Action,
  type Actor,
  type AgreementScope,
  decideAccess,
  isAgreementInForce,
  servedMunicipalities,
} from '@samverkan/domain';
import { toAgreementTerms } from '../access/agreements.ts';
import { type Ctx, stockholmToday } from '../context.ts';

export interface MunicipalityAccess {
  municipality: Municipality;
  basis: 'own' | 'agreement' | 'citizen';
  agreementId: string | null;
  scopes: AgreementScope[];
  actions: Action[];
}

function actionsFor(
  actor: Actor,
  municipality: Municipality,
  agreements: ReturnType<typeof toAgreementTerms>[],
  today: string,
) {
  return ACTIONS.filter(
    (action) =>
      decideAccess({
        actor,
        municipality: { code: municipality.municipalityCode, status: municipality.status },
        agreements,
        action,
        today,
      }).allowed,
  );
}

/** The caller's rights in the municipality of the context (already authorised for it). */
export async function getMunicipalityAccess(ctx: Ctx): Promise<MunicipalityAccess> {
  const [municipality, agreementRows] = await Promise.all([
    findMunicipality(platform(ctx.db), ctx.tenant.code),
    listAgreementsFor(platform(ctx.db), ctx.tenant.code),
  ]);
  if (!municipality) throw new Error('authorised municipality vanished');
  if (ctx.actor.kind === 'citizen') {
    return { municipality, basis: 'citizen', agreementId: null, scopes: [], actions: [] };
  }
  const agreements = agreementRows.map(toAgreementTerms);
  const today = stockholmToday(ctx.now());
  const inForce =
    ctx.access.basis === 'agreement'
      ? agreements.find(
          (a) => a.agreementId === (ctx.access.basis === 'agreement' ? ctx.access.agreementId : ''),
        )
      : undefined;
  return {
    municipality,
    basis: ctx.access.basis === 'agreement' ? 'agreement' : 'own',
    agreementId: inForce?.agreementId ?? null,
    scopes: inForce ? [...inForce.scopes] : ['assistance', 'labour_market'],
    actions: actionsFor(ctx.actor, municipality, agreements, today),
  };
}

/** Every municipality a staff member may act for today: own + tenants under agreements in force. */
export async function listServedMunicipalities(
  db: Ctx['db'],
  actor: Actor,
  now: Date,
): Promise<MunicipalityAccess[]> {
  if (actor.kind !== 'staff') return [];
  const today = stockholmToday(now);
  const [municipalities, agreementRows] = await Promise.all([
    listMunicipalities(platform(db)),
    listAgreements(platform(db)),
  ]);
  const agreements = agreementRows.map(toAgreementTerms);
  const served = servedMunicipalities(actor.employerCode, agreements, today);
  const result: MunicipalityAccess[] = [];
  for (const municipality of municipalities) {
    const basis = served.get(municipality.municipalityCode);
    if (!basis || municipality.status !== 'active') continue;
    result.push({
      municipality,
      basis: basis.basis,
      agreementId: basis.basis === 'agreement' ? basis.agreementId : null,
      scopes: basis.basis === 'agreement' ? [...basis.scopes] : ['assistance', 'labour_market'],
      actions: actionsFor(actor, municipality, agreements, today),
    });
  }
  return result;
}

export async function listMunicipalityAgreements(ctx: Ctx): Promise<(Agreement & { inForce: boolean })[]> {
  const today = stockholmToday(ctx.now());
  const rows = await listAgreementsFor(platform(ctx.db), ctx.tenant.code);
  return rows.map((row) => ({ ...row, inForce: isAgreementInForce(toAgreementTerms(row), today) }));
}
