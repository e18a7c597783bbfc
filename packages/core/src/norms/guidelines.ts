import {
  findGuidelinesInForce,
  insertGuidelineVersion,
  listGuidelineVersions,
  listNationalNorms,
  platform,
  tenant,
} from '@samverkan/db';
import { DomainError, parseTenantGuidelines } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';

export async function listGuidelines(ctx: Ctx) {
  const db = tenant(ctx.db, ctx.tenant.schema);
  const [items, inForce] = await Promise.all([
    listGuidelineVersions(db),
    findGuidelinesInForce(db, stockholmToday(ctx.now())),
  ]);
  return { items, inForce: inForce ?? null };
}

/**
 * Adds a guideline version. Validated whole by the domain schema before anything is written;
 * never retroactive (effective today or later), so decided cases keep the version they used.
 * The version and its audit entry commit together.
 */
export async function createGuidelineVersion(ctx: Ctx, input: unknown) {
  const guidelines = withPathPrefix('guidelines', () => parseTenantGuidelines(input));
  const today = stockholmToday(ctx.now());
  if (guidelines.effectiveFrom < today) {
    throw new DomainError('guidelines_invalid', 'Riktlinjer kan inte ändras retroaktivt.', {
      issues: [
        { path: 'guidelines.effectiveFrom', message: `Giltig från måste vara ${today} eller senare.` },
      ],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const created = await insertGuidelineVersion(tenant(trx, ctx.tenant.schema), {
      effectiveFrom: guidelines.effectiveFrom,
      body: guidelines as unknown as Record<string, unknown>,
      createdBy: ctx.requestId && ctx.actor.kind === 'staff' ? ctx.actor.username : 'system',
    });
    if (!created) {
      throw new DomainError(
        'conflict',
        `Det finns redan riktlinjer som gäller från ${guidelines.effectiveFrom}.`,
      );
    }
    await recordAudit(
      ctx,
      {
        action: 'guidelines.create',
        objectType: 'guideline_version',
        objectId: created.versionId,
        detail: { effectiveFrom: created.effectiveFrom },
      },
      trx,
    );
    return created;
  });
}

export function listRiksnorm(ctx: Ctx) {
  return listNationalNorms(platform(ctx.db));
}

/** The request body wraps the guidelines object; error pointers must say so. */
function withPathPrefix<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DomainError && Array.isArray(error.details?.issues)) {
      const issues = (error.details.issues as { path: string; message: string }[]).map((i) => ({
        ...i,
        path: i.path ? `${prefix}.${i.path}` : prefix,
      }));
      throw new DomainError(error.code, error.message, { ...error.details, issues });
    }
    throw error;
  }
}
