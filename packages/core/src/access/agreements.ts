import type { Agreement } from '@samverkan/db';
import { AGREEMENT_SCOPES, type AgreementScope, type AgreementTerms } from '@samverkan/domain';

export function toAgreementTerms(row: Agreement): AgreementTerms {
  return {
    agreementId: row.agreementId,
    hostCode: row.hostCode,
    tenantCode: row.tenantCode,
    scopes: row.scopes.filter((s): s is AgreementScope =>
      (AGREEMENT_SCOPES as readonly string[]).includes(s),
    ),
    validFrom: row.validFrom,
    validTo: row.validTo,
    status: row.status,
  };
}
