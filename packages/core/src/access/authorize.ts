import {
  findMunicipality,
  insertAuditEntries,
  listAgreementsFor,
  platform,
  type RootDb,
  tenant as tenantDb,
} from '@samverkan/db';
import {
  type Action,
  type Actor,
  DomainError,
  decideAccess,
  MUNICIPALITY_CODE_PATTERN,
} from '@samverkan/domain';
import { auditRow, recordPlatformRefusal } from '../audit/record-audit.ts';
import { type CtxAccess, stockholmToday, type TenantRef } from '../context.ts';
import { toAgreementTerms } from './agreements.ts';

export interface Authorized {
  tenant: TenantRef;
  access: CtxAccess;
}

/**
 * The access rule for one request: the municipality must exist (else 404), the caller's
 * employer must be the municipality or hold an agreement in force covering the action (else
 * 403), and the caller's role must include the action. Every refusal is audited — in the
 * municipality's own log when it exists, otherwise in the platform log.
 * Citizens pass with basis 'citizen' for citizen actions only; their data is filtered by
 * personnummer in the use-case.
 */
export async function authorizeMunicipality(
  db: RootDb,
  input: { actor: Actor; code: string; action: Action | 'citizen.self'; requestId: string; now: Date },
): Promise<Authorized> {
  const { actor, code, action, requestId } = input;
  if (!MUNICIPALITY_CODE_PATTERN.test(code)) {
    await recordPlatformRefusal(db, {
      actor,
      action,
      target: code,
      requestId,
      detail: { reason: 'invalid_code' },
    });
    throw new DomainError('invalid_municipality_code', 'Kommunkoden måste vara fyra siffror (t.ex. 1263).');
  }
  const row = await findMunicipality(platform(db), code);
  if (!row) {
    await recordPlatformRefusal(db, {
      actor,
      action,
      target: code,
      requestId,
      detail: { reason: 'unknown' },
    });
    throw new DomainError('municipality_not_found', `Kommun ${code} finns inte på plattformen.`);
  }
  const tenant: TenantRef = {
    code: row.municipalityCode,
    schema: row.schemaName,
    name: row.name,
    committeeName: row.committeeName,
    organisationNumber: row.organisationNumber,
    postalAddress: row.postalAddress,
  };
  const refuse = async (reason: string): Promise<never> => {
    await insertAuditEntries(tenantDb(db, tenant.schema), [
      auditRow(actor, tenant.code, undefined, requestId, {
        action,
        outcome: 'refused',
        detail: { reason },
      }),
    ]);
    throw new DomainError('forbidden', 'Du har inte behörighet att utföra detta för kommunen.', { reason });
  };

  if (action === 'citizen.self') {
    if (actor.kind !== 'citizen') return refuse('not_a_citizen');
    if (row.status !== 'active') return refuse('municipality_not_active');
    return { tenant, access: { basis: 'citizen' } };
  }
  const agreements = (await listAgreementsFor(platform(db), code)).map(toAgreementTerms);
  const decision = decideAccess({
    actor,
    municipality: { code: row.municipalityCode, status: row.status },
    agreements,
    action,
    today: stockholmToday(input.now),
  });
  if (!decision.allowed) return refuse(decision.refusal);
  const access: CtxAccess =
    decision.basis === 'agreement'
      ? { basis: 'agreement', agreementId: decision.agreementId, hostCode: decision.hostCode }
      : { basis: 'own' };
  return { tenant, access };
}
