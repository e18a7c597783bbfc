import { tenant } from '@samverkan/db';
import {
  DomainError,
  daysInMonth,
  formatIsoDate,
  parseIsoDate,
  stockholmStartOfDay,
} from '@samverkan/domain';
import { sql } from 'kysely';
import { recordAudit } from '../../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../../context.ts';

/**
 * Gallring (SoL 2025:400 16 kap.): a person's case records are disposed of five years after the
 * last entry, at the latest by the end of the following year; records of persons born on day 5,
 * 15 or 25 of a month are kept for research. The unit is the person (citizen row) with every
 * application they made and every household case that names them; a household case is kept
 * whole when anyone in it is kept. The audit log is never disposed of here (see the docs).
 */
export interface RetentionPolicy {
  retentionYears: number;
  keepBirthDays: number[];
  /** true when no policy row exists and the statutory default applies. */
  isDefault: boolean;
}

export const DEFAULT_POLICY: RetentionPolicy = {
  retentionYears: 5,
  keepBirthDays: [5, 15, 25],
  isDefault: true,
};

/** The day of month in a 12-digit personnummer (samordningsnummer: day + 60). */
export function birthDay(personnummer: string): number {
  const day = Number(personnummer.slice(6, 8));
  return day > 60 ? day - 60 : day;
}

export async function getRetentionPolicy(ctx: Ctx, db = ctx.db): Promise<RetentionPolicy> {
  const row = await tenant(db, ctx.tenant.schema)
    .selectFrom('retentionPolicy')
    .selectAll()
    .executeTakeFirst();
  return row
    ? {
        retentionYears: row.retentionYears,
        keepBirthDays: [...row.keepBirthDays].sort((a, b) => a - b),
        isDefault: false,
      }
    : DEFAULT_POLICY;
}

export async function setRetentionPolicy(
  ctx: Ctx,
  input: { retentionYears: number; keepBirthDays: number[] },
) {
  if (!Number.isInteger(input.retentionYears) || input.retentionYears < 5 || input.retentionYears > 100) {
    throw new DomainError('validation_failed', 'Gallringsfristen måste vara minst 5 år.', {
      issues: [{ path: 'retentionYears', message: 'Minst 5, högst 100 år.' }],
    });
  }
  const days = [...new Set(input.keepBirthDays)].sort((a, b) => a - b);
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 31)) {
    throw new DomainError('validation_failed', 'Födelsedagar anges som 1–31.', {
      issues: [{ path: 'keepBirthDays', message: 'Dagar 1–31.' }],
    });
  }
  const by = ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind;
  return ctx.db.transaction().execute(async (trx) => {
    await tenant(trx, ctx.tenant.schema)
      .insertInto('retentionPolicy')
      .values({
        singleton: true,
        retentionYears: input.retentionYears,
        keepBirthDays: days,
        updatedBy: by,
        updatedAt: ctx.now(),
      })
      .onConflict((oc) =>
        oc.column('singleton').doUpdateSet({
          retentionYears: input.retentionYears,
          keepBirthDays: days,
          updatedBy: by,
          updatedAt: ctx.now(),
        }),
      )
      .execute();
    await recordAudit(
      ctx,
      { action: 'retention.policy', detail: { retentionYears: input.retentionYears, keepBirthDays: days } },
      trx,
    );
    return getRetentionPolicy(ctx, trx);
  });
}

export interface DisposalReport {
  kommunkod: string;
  asOf: string;
  dryRun: boolean;
  policy: RetentionPolicy;
  /** Persons whose last entry is older than the retention period. */
  eligiblePersons: number;
  /** Of those, kept because someone in their case records is born on a kept day. */
  keptPersons: number;
  disposedPersons: number;
  /** Eligible persons past the deadline (end of the year after the period ran out). */
  overduePersons: number;
  caseNumbers: string[];
  tableCounts: Record<string, number> | null;
  runId: string | null;
}

interface Candidate {
  personId: string;
  personnummer: string;
  lastEntry: Date;
}

/**
 * The dry run and the disposal share this: who is eligible on `asOf`, who is kept, and which
 * case numbers go. A real run takes only today's date (the database function re-checks every
 * person against its own clock and refuses anyone younger than the retention period).
 */
export async function runDisposal(
  ctx: Ctx,
  input: { asOf?: string; dryRun: boolean },
): Promise<DisposalReport> {
  const today = stockholmToday(ctx.now());
  const asOf = input.asOf ?? today;
  const { year, month, day } = parseIsoDate(asOf); // a real date, else 400
  if (!input.dryRun && asOf !== today) {
    throw new DomainError(
      'validation_failed',
      'Gallring verkställs bara per dagens datum; använd provkörning för andra datum.',
      {
        issues: [{ path: 'asOf', message: `Måste vara ${today} eller utelämnas.` }],
      },
    );
  }
  const policy = await getRetentionPolicy(ctx);
  const years = policy.retentionYears;
  // The same calendar day `years` earlier; 29 February falls back to 28 February.
  const cutoffDay = Math.min(day, daysInMonth(year - years, month));
  const cutoff = stockholmStartOfDay(formatIsoDate(year - years, month, cutoffDay));
  const schema = ctx.tenant.schema;

  return ctx.db.transaction().execute(async (trx) => {
    // One disposal at a time per municipality, and a stable picture while it runs.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`samverkan:disposal:${schema}`}))`.execute(trx);
    const candidates = (
      await sql<Candidate>`
        SELECT le.person_id, c.personnummer, le.last_entry
          FROM ${sql.table(`${schema}.retention_last_entries`)}() le
          JOIN ${sql.table(`${schema}.citizens`)} c ON c.person_id = le.person_id
         WHERE le.last_entry < ${cutoff}
         ORDER BY c.personnummer`.execute(trx)
    ).rows;
    const ids = candidates.map((c) => c.personId);
    // Everyone who appears in a candidate's case records: applicant and partners of every
    // application the candidate made or is named in.
    const related = ids.length
      ? (
          await sql<{ personId: string; caseNumber: string; householdKey: string; own: boolean }>`
            SELECT c.person_id, a.case_number, a.household_key, a.person_id = c.person_id AS own
              FROM ${sql.table(`${schema}.citizens`)} c
              JOIN ${sql.table(`${schema}.applications`)} a
                ON a.person_id = c.person_id OR c.personnummer = ANY (string_to_array(a.household_key, '+'))
             WHERE c.person_id = ANY (${ids}::uuid[])`.execute(trx)
        ).rows
      : [];
    const keep = new Set(policy.keepBirthDays);
    const kept = new Set<string>();
    for (const c of candidates) if (keep.has(birthDay(c.personnummer))) kept.add(c.personId);
    for (const r of related) {
      if (r.householdKey.split('+').some((p) => /^\d{12}$/.test(p) && keep.has(birthDay(p))))
        kept.add(r.personId);
    }
    const disposed = candidates.filter((c) => !kept.has(c.personId));
    const disposedIds = new Set(disposed.map((c) => c.personId));
    const caseNumbers = [
      ...new Set(related.filter((r) => r.own && disposedIds.has(r.personId)).map((r) => r.caseNumber)),
    ].sort();
    const overduePersons = candidates.filter((c) => {
      const expires = Number(stockholmToday(c.lastEntry).slice(0, 4)) + years;
      return year > expires + 1;
    }).length;

    const report: DisposalReport = {
      kommunkod: ctx.tenant.code,
      asOf,
      dryRun: input.dryRun,
      policy,
      eligiblePersons: candidates.length,
      keptPersons: kept.size,
      disposedPersons: disposed.length,
      overduePersons,
      caseNumbers,
      tableCounts: null,
      runId: null,
    };
    if (input.dryRun) {
      await recordAudit(
        ctx,
        {
          action: 'retention.dry_run',
          detail: { asOf, disposedPersons: disposed.length, cases: caseNumbers.length },
        },
        trx,
      );
      return report;
    }
    const counts = disposed.length
      ? // As text: the camel-casing plugin would otherwise rename the table names inside.
        ((
          await sql<{ counts: string }>`
            SELECT ${sql.table(`${schema}.dispose_person_records`)}(${[...disposedIds]}::uuid[], ${years}::int)::text AS counts`.execute(
            trx,
          )
        ).rows.map((r) => JSON.parse(r.counts) as Record<string, number>)[0] ?? {})
      : {};
    const run = await tenant(trx, schema)
      .insertInto('disposalRuns')
      .values({
        asOf,
        retentionYears: years,
        keepBirthDays: policy.keepBirthDays,
        personsDisposed: disposed.length,
        personsKept: kept.size,
        caseNumbers,
        tableCounts: JSON.stringify(counts),
        executedBy: ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind,
      })
      .returning('runId')
      .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      {
        action: 'retention.dispose',
        objectType: 'disposal_run',
        objectId: run.runId,
        detail: { asOf, disposedPersons: disposed.length, cases: caseNumbers.length },
      },
      trx,
    );
    return { ...report, tableCounts: counts, runId: run.runId };
  });
}

/** The disposal log (case numbers, counts); reading it is audited like any case-level read. */
export async function listDisposalRuns(ctx: Ctx) {
  const runs = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('disposalRuns')
    .selectAll()
    .orderBy('executedAt', 'desc')
    .execute();
  await recordAudit(ctx, { action: 'retention.list_runs', detail: { count: runs.length } });
  return runs;
}
