import { findGuidelinesInForce, findNationalNorm, platform, type RootDb, tenant } from '@samverkan/db';
import {
  DomainError,
  type NationalNorm,
  parseNationalNorm,
  parseTenantGuidelines,
  type TenantGuidelines,
} from '@samverkan/domain';

/**
 * The norm version a month is calculated with: the riksnorm of that year and the tenant's
 * guidelines in force on the first day of the month. Both are stored data, re-validated on load.
 */
export async function normsForMonth(
  db: RootDb,
  schema: string,
  month: string,
): Promise<{ norm: NationalNorm; guidelines: TenantGuidelines; guidelinesVersionId: string }> {
  const [normRow, guidelinesRow] = await Promise.all([
    findNationalNorm(platform(db), Number(month.slice(0, 4))),
    findGuidelinesInForce(tenant(db, schema), `${month}-01`),
  ]);
  if (!normRow) throw new DomainError('calculation_failed', `Riksnorm för ${month.slice(0, 4)} saknas.`);
  if (!guidelinesRow)
    throw new DomainError('calculation_failed', `Kommunens riktlinjer för ${month} saknas.`);
  return {
    norm: parseNationalNorm(normRow.body),
    guidelines: parseTenantGuidelines(guidelinesRow.body),
    guidelinesVersionId: guidelinesRow.versionId,
  };
}
