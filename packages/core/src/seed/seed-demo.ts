import { readFileSync } from 'node:fs';
import {
  createDb,
  loadMigrationSet,
  platform,
  provisionTenant,
  schemaNameFor,
  tenant,
  withAdminClient,
} from '@samverkan/db';
import { parseNationalNorm, parseTenantGuidelines } from '@samverkan/domain';
import { DEMO_CITIZENS } from '@samverkan/registers';
import { sql } from 'kysely';
import {
  DEMO_AGREEMENT,
  DEMO_STAFF,
  PAYOUT_ACCOUNTS,
  SVEDALA,
  SVEDALA_DELEGATION,
  TRELLEBORG,
  TRELLEBORG_DELEGATION,
} from './demo-data.ts';

const dataFile = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../domain/data/${name}`, import.meta.url), 'utf8')) as unknown;

/**
 * Idempotent: provisions what is missing and leaves what exists (a second run changes nothing,
 * and never overwrites a guideline or delegation an administrator has changed).
 */
export async function seedDemo(adminUrl: string): Promise<void> {
  const set = loadMigrationSet();
  await withAdminClient(adminUrl, async (client) => {
    for (const m of [TRELLEBORG, SVEDALA]) {
      const exists = await client.query(
        'SELECT 1 FROM platform.municipalities WHERE municipality_code = $1',
        [m.code],
      );
      if (exists.rowCount === 0) await provisionTenant(client, m, set);
    }
  });
  const db = createDb({ connectionString: adminUrl, maxConnections: 2, applicationName: 'samverkan-seed' });
  try {
    await db.transaction().execute(async (trx) => {
      const p = platform(trx);
      for (const file of ['riksnorm-2025.json', 'riksnorm-2026.json']) {
        const norm = parseNationalNorm(dataFile(file));
        await p
          .insertInto('nationalNorms')
          .values({
            year: norm.year,
            effectiveFrom: norm.effectiveFrom,
            legalReference: norm.legalReference,
            body: JSON.stringify(norm),
            createdBy: 'seed',
          })
          .onConflict((oc) => oc.column('year').doNothing())
          .execute();
      }
      for (const s of DEMO_STAFF) {
        await p
          .insertInto('staff')
          .values({ ...s, roles: sql`${sql.val(s.roles)}::text[]` as unknown as string[] })
          .onConflict((oc) => oc.column('username').doNothing())
          .execute();
      }
      const agreement = await p
        .selectFrom('agreements')
        .select('agreementId')
        .where('hostCode', '=', DEMO_AGREEMENT.hostCode)
        .where('tenantCode', '=', DEMO_AGREEMENT.tenantCode)
        .executeTakeFirst();
      if (!agreement) {
        await p
          .insertInto('agreements')
          .values({
            ...DEMO_AGREEMENT,
            scopes: sql`${sql.val(DEMO_AGREEMENT.scopes)}::text[]` as unknown as string[],
            billingTerms: JSON.stringify(DEMO_AGREEMENT.billingTerms),
          })
          .execute();
      }
      const tenants = [
        { m: TRELLEBORG, guidelines: 'guidelines-1287-trelleborg.json', rules: TRELLEBORG_DELEGATION },
        { m: SVEDALA, guidelines: 'guidelines-1263-svedala.json', rules: SVEDALA_DELEGATION },
      ];
      for (const { m } of tenants) {
        await p
          .updateTable('municipalities')
          .set({ payoutAccount: JSON.stringify(PAYOUT_ACCOUNTS[m.code]) })
          .where('municipalityCode', '=', m.code)
          .where('payoutAccount', 'is', null)
          .execute();
      }
      for (const { m, guidelines, rules } of tenants) {
        const t = tenant(trx, schemaNameFor(m.code));
        const body = parseTenantGuidelines(dataFile(guidelines));
        await t
          .insertInto('guidelineVersions')
          .values({ effectiveFrom: body.effectiveFrom, body: JSON.stringify(body), createdBy: 'seed' })
          .onConflict((oc) => oc.column('effectiveFrom').doNothing())
          .execute();
        const anyRule = await t.selectFrom('delegationRules').select('ruleId').limit(1).executeTakeFirst();
        if (!anyRule) {
          await t
            .insertInto('delegationRules')
            .values(
              rules.map((r) => ({
                reference: r.reference,
                decisionType: r.decisionType,
                delegate: JSON.stringify(r.delegate),
                maxAmountOre: r.maxAmountOre ?? null,
                maxNormMultiple: r.maxNormMultiple ?? null,
                validFrom: r.validFrom,
                note: r.note ?? null,
                createdBy: 'seed',
              })),
            )
            .execute();
        }
        const citizens = DEMO_CITIZENS.filter((c) => c.population.municipalityCode === m.code);
        if (citizens.length > 0) {
          await t
            .insertInto('citizens')
            .values(
              citizens.map((c) => ({
                personnummer: c.population.personnummer,
                givenName: c.population.givenName,
                familyName: c.population.familyName,
              })),
            )
            .onConflict((oc) => oc.column('personnummer').doNothing())
            .execute();
        }
      }
    });
  } finally {
    await db.destroy();
  }
}
