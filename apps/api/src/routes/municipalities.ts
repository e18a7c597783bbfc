import {
  getMunicipalityAccess,
  listMunicipalityAgreements,
  listServedMunicipalities,
  type MunicipalityAccess,
} from '@samverkan/core';
import type { Agreement, Municipality, RootDb } from '@samverkan/db';
import { route, tenantCtx } from '../routing.ts';

const municipalityBody = (m: Municipality) => ({
  kommunkod: m.municipalityCode,
  name: m.name,
  organisationNumber: m.organisationNumber,
  committeeName: m.committeeName,
  status: m.status,
});

const accessBody = (a: MunicipalityAccess) => ({
  municipality: municipalityBody(a.municipality),
  access: { basis: a.basis, agreementId: a.agreementId, scopes: a.scopes, actions: a.actions },
});

const agreementBody = (a: Agreement & { inForce: boolean }) => ({
  agreementId: a.agreementId,
  title: a.title,
  hostCode: a.hostCode,
  tenantCode: a.tenantCode,
  scopes: a.scopes as ('assistance' | 'labour_market')[],
  validFrom: a.validFrom,
  validTo: a.validTo,
  status: a.status,
  inForce: a.inForce,
  billingTerms: a.billingTerms,
  dataControllerNote: a.dataControllerNote,
});

export function municipalityRoutes(deps: { db: RootDb; now: () => Date }) {
  return {
    listMunicipalities: route('listMunicipalities', {
      guard: 'staff',
      handler: async (_input, rc) => {
        if (!rc.actor) throw new Error('staff guard without actor');
        return { items: (await listServedMunicipalities(deps.db, rc.actor, deps.now())).map(accessBody) };
      },
    }),
    getMunicipality: route('getMunicipality', {
      guard: { action: 'municipality.read' },
      handler: async (_input, rc) => accessBody(await getMunicipalityAccess(tenantCtx(rc))),
    }),
    listAgreements: route('listAgreements', {
      guard: { action: 'municipality.read' },
      handler: async (_input, rc) => ({
        items: (await listMunicipalityAgreements(tenantCtx(rc))).map(agreementBody),
      }),
    }),
  };
}
