import { type RootDb, tenant } from '@samverkan/db';
import type { Actor } from '@samverkan/domain';
import { listServedMunicipalities } from '../municipalities/municipality-access.ts';

export interface WorkQueueFilter {
  municipalityCodes?: string[];
  processing?: ('queued' | 'assessing' | 'proposed' | 'manual')[];
  manualReason?: string;
  dueBefore?: Date;
  limit: number;
}

export interface WorkQueueItem {
  kommunkod: string;
  municipalityName: string;
  applicationId: string;
  caseNumber: string;
  month: string;
  channel: string;
  status: string;
  processing: string;
  manualReasons: { code: string; text: string }[];
  submittedAt: Date | null;
  dueAt: Date | null;
  overdue: boolean;
}

const FAN_OUT = 8;

/**
 * The caseworker's queue over every municipality they serve. Each tenant schema is queried on
 * its own (at most FAN_OUT at a time) and the results are merged here — never a view or join
 * across tenant schemas, so schemas stay movable to other nodes (ARCHITECTURE property 8).
 * Only ids, statuses and reasons are listed; opening a case is a separate, audited read.
 */
export async function listWorkQueue(
  db: RootDb,
  actor: Actor,
  now: Date,
  filter: WorkQueueFilter,
): Promise<WorkQueueItem[]> {
  const served = (await listServedMunicipalities(db, actor, now)).filter(
    (m) =>
      m.actions.includes('cases.read') &&
      (!filter.municipalityCodes || filter.municipalityCodes.includes(m.municipality.municipalityCode)),
  );
  const processing = filter.processing ?? ['queued', 'assessing', 'proposed', 'manual'];
  const results: WorkQueueItem[] = [];
  for (let i = 0; i < served.length; i += FAN_OUT) {
    const batch = served.slice(i, i + FAN_OUT);
    const rows = await Promise.all(
      batch.map(async (m) => {
        let q = tenant(db, m.municipality.schemaName)
          .selectFrom('applications')
          .select([
            'applicationId',
            'caseNumber',
            'month',
            'channel',
            'status',
            'processing',
            'manualReasons',
            'submittedAt',
            'dueAt',
          ])
          .where('status', 'in', ['submitted', 'in_progress', 'waiting_for_completion'])
          .where('processing', 'in', processing);
        if (filter.dueBefore) q = q.where('dueAt', '<', filter.dueBefore);
        if (filter.manualReason)
          q = q.where('manualReasons', '@>', JSON.stringify([{ code: filter.manualReason }]) as never);
        const list = await q.orderBy('dueAt').limit(filter.limit).execute();
        return list.map((r) => ({
          kommunkod: m.municipality.municipalityCode,
          municipalityName: m.municipality.name,
          ...r,
          manualReasons: r.manualReasons as { code: string; text: string }[],
          overdue: r.dueAt !== null && r.dueAt < now,
        }));
      }),
    );
    results.push(...rows.flat());
  }
  return results.sort((a, b) => (a.dueAt?.getTime() ?? 0) - (b.dueAt?.getTime() ?? 0)).slice(0, filter.limit);
}
