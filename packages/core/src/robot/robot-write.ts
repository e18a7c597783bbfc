import {
  asPrepared,
  type CaseEventsTable,
  type DecisionsTable,
  insertEachFromJson,
  type JsonRow,
  jsonRowOf,
  type PaymentsTable,
  type ProposalsTable,
  type RegisterFetchesTable,
  type RobotAssessmentsTable,
  type RootDb,
  statementTemplate,
  type TenantTables,
} from '@samverkan/db';
import { type CompiledQuery, type Insertable, sql } from 'kysely';
import { type NewNotification, notificationRow } from '../applications/notifications.ts';

/**
 * Which earlier step of the write a row depends on, for its own case: `claimed` — the case was
 * still the robot's and is now moved to its result; `decision` / `proposal` — that row was
 * inserted; `always` — written whatever happened (what the attempt read and fetched).
 */
export type Gate = 'always' | 'claimed' | 'decision' | 'proposal';

export interface Gated<T> {
  gate: Gate;
  row: T;
}

/** Everything one robot attempt writes for one case (built by run-robot.ts). */
export interface RobotWrite {
  applicationId: string;
  /** The case's new state; taken only from a robot state ('queued', 'assessing'). */
  claim: {
    processing: 'decided' | 'proposed' | 'manual';
    status: string;
    manualReasons: { code: string; text: string }[] | null;
    updatedAt: Date;
  };
  fetches: JsonRow<RegisterFetchesTable>[];
  assessment: JsonRow<RobotAssessmentsTable> | null;
  decision: JsonRow<DecisionsTable> | null;
  payment: JsonRow<PaymentsTable> | null;
  proposal: JsonRow<ProposalsTable> | null;
  events: Gated<JsonRow<CaseEventsTable>>[];
  notifications: Gated<NewNotification>[];
  /** In order: what was read and fetched (`always`), then what was concluded. */
  audit: Gated<JsonRow<TenantTables['auditLog']>>[];
}

/** The columns each table's rows fill; a row key outside them is a bug (see `checkedRow`). */
const COLUMNS = {
  registerFetches: ['applicationId', 'personnummer', 'sources', 'periods', 'outcome', 'response', 'error'],
  robotAssessments: [
    'applicationId',
    'outcome',
    'reasons',
    'calculation',
    'normVersion',
    'guidelinesVersionId',
  ],
  decisions: [
    'decisionId',
    'applicationId',
    'outcome',
    'amountOre',
    'month',
    'calculation',
    'reasons',
    'legalBasis',
    'decidedByKind',
    'decidedBy',
    'decidedByName',
    'decidedByEmployer',
    'delegationRuleId',
    'delegationReference',
    'proposalId',
    'agreementId',
    'committeeName',
    'normVersion',
    'guidelinesVersionId',
    'letter',
    'decidedAt',
  ],
  payments: ['decisionId', 'applicationId', 'amountOre', 'payeeName', 'payeeAccount', 'paymentDate'],
  proposals: ['proposalId', 'applicationId', 'decisionType', 'amountOre', 'normOre', 'proposeRuleId'],
  caseEvents: ['applicationId', 'kind', 'actor', 'detail'],
  notifications: ['personId', 'applicationId', 'kind', 'title', 'body', 'dedupeKey'],
  auditLog: [
    'actorKind',
    'actorId',
    'actorEmployerCode',
    'actingForCode',
    'accessBasis',
    'agreementId',
    'delegationRuleId',
    'action',
    'outcome',
    'objectType',
    'objectId',
    'personId',
    'requestId',
    'detail',
  ],
} as const satisfies { [K in keyof TenantTables]?: readonly (keyof Insertable<TenantTables[K]> & string)[] };

const COLUMN_SETS = Object.fromEntries(
  Object.entries(COLUMNS).map(([table, columns]) => [table, new Set<string>(columns)]),
) as unknown as Record<keyof typeof COLUMNS, ReadonlySet<string>>;

/** The row as JSON for `table`, refusing a key that is not one of its columns (it would be dropped). */
function checkedRow(table: keyof typeof COLUMNS, row: object, gate: Gate, applicationId: string) {
  const columns = COLUMN_SETS[table];
  for (const key of Object.keys(row)) {
    if (!columns.has(key)) throw new Error(`robot write: ${table} has no column ${key}`);
  }
  return { ...jsonRowOf(row), _case: applicationId, _gate: gate };
}

const PARAMETERS = [
  'claims',
  'fetches',
  'assessments',
  'decisions',
  'payments',
  'proposals',
  'events',
  'notifications',
  'audit',
] as const;
type Parameter = (typeof PARAMETERS)[number];

/**
 * The condition on each element `e.j` of a row parameter: its gate, for its own case. A step can
 * only see the steps before it, so each names the gates it may use; any other gate writes
 * nothing (the code that builds the rows gives each table its gates).
 */
const gated = (...gates: Exclude<Gate, 'always'>[]) => sql`CASE e.j->>'_gate' WHEN 'always' THEN true
  ${sql.join(
    gates.map(
      (gate) =>
        sql`WHEN ${sql.lit(gate)} THEN (e.j->>'_case')::uuid IN (SELECT application_id FROM ${sql.id(gate)})`,
    ),
    sql` `,
  )}
  ELSE false END`;

/**
 * The robot's write for any number of cases of one tenant, as ONE statement (data-modifying
 * CTEs) whose text depends only on the schema — so it is compiled once per tenant and runs as a
 * prepared statement, and a batch of 20 cases costs one round trip, one plan and one commit.
 * Every row carries its case and gate; a case that another attempt already moved is not claimed,
 * and nothing gated on its claim is written.
 */
function buildWrite(db: RootDb, schema: string, p: Readonly<Record<Parameter, unknown>>): CompiledQuery {
  const json = (name: Parameter) => sql`${p[name]}::jsonb`;
  const step = (name: string, body: ReturnType<typeof sql>) => sql`${sql.id(name)} AS (${body})`;
  return sql`WITH ${sql.join([
    step(
      'claimed',
      sql`UPDATE ${sql.id(schema, 'applications')} AS a
        SET processing = c.processing, status = c.status, robot_attempts = a.robot_attempts + 1,
          updated_at = c.updated_at, manual_reasons = coalesce(c.manual_reasons, a.manual_reasons)
        FROM jsonb_to_recordset(${json('claims')}) AS c(application_id uuid, processing text,
          status text, manual_reasons jsonb, updated_at timestamptz)
        WHERE a.application_id = c.application_id AND a.processing IN ('queued', 'assessing')
        RETURNING a.application_id`,
    ),
    step('fetches', insertEachFromJson(schema, 'registerFetches', COLUMNS.registerFetches, json('fetches'))),
    step(
      'assessment',
      insertEachFromJson(schema, 'robotAssessments', COLUMNS.robotAssessments, json('assessments'), {
        where: gated('claimed'),
        onConflictDoNothing: 'applicationId',
      }),
    ),
    step(
      'decision',
      insertEachFromJson(schema, 'decisions', COLUMNS.decisions, json('decisions'), {
        where: gated('claimed'),
        returning: ['applicationId'],
      }),
    ),
    step(
      'payment',
      insertEachFromJson(schema, 'payments', COLUMNS.payments, json('payments'), {
        where: gated('decision'),
      }),
    ),
    step(
      'proposal',
      insertEachFromJson(schema, 'proposals', COLUMNS.proposals, json('proposals'), {
        where: gated('claimed'),
        onConflictDoNothing: 'applicationId',
        returning: ['applicationId'],
      }),
    ),
    step(
      'events',
      insertEachFromJson(schema, 'caseEvents', COLUMNS.caseEvents, json('events'), {
        where: gated('claimed', 'decision', 'proposal'),
      }),
    ),
    step(
      'notifications',
      insertEachFromJson(schema, 'notifications', COLUMNS.notifications, json('notifications'), {
        where: gated('claimed', 'decision', 'proposal'),
        onConflictDoNothing: 'dedupeKey',
      }),
    ),
    step(
      'audit',
      insertEachFromJson(schema, 'auditLog', COLUMNS.auditLog, json('audit'), {
        where: gated('claimed', 'decision', 'proposal'),
      }),
    ),
  ])} SELECT application_id FROM claimed`.compile(db.withoutPlugins());
}

/** Per schema: the statement compiled once (see statementTemplate). Bounded by the number of tenants. */
const templates = new Map<string, ReturnType<typeof statementTemplate<Parameter, unknown>>>();

function templateFor(db: RootDb, schema: string) {
  let template = templates.get(schema);
  if (!template) {
    template = statementTemplate(PARAMETERS, (p) => buildWrite(db, schema, p));
    templates.set(schema, template);
  }
  return template;
}

/** The rows of one table for all cases, as one jsonb parameter, each naming its case and gate. */
function gatedRows<T extends object>(
  table: keyof typeof COLUMNS,
  items: readonly RobotWrite[],
  pick: (w: RobotWrite) => readonly Gated<T>[],
): string {
  const out: Record<string, unknown>[] = [];
  for (const w of items) {
    for (const { row, gate } of pick(w)) out.push(checkedRow(table, row, gate, w.applicationId));
  }
  return JSON.stringify(out);
}

/** `gatedRows` for a table with at most one row per case, all under the same gate. */
const oneEach = <T extends object>(
  table: keyof typeof COLUMNS,
  items: readonly RobotWrite[],
  pick: (w: RobotWrite) => T | null,
  gate: Gate,
) =>
  gatedRows(table, items, (w) => {
    const row = pick(w);
    return row === null ? [] : [{ gate, row }];
  });

/**
 * Writes the attempts' results for cases of ONE tenant in one statement; answers which cases
 * were claimed (the others were already moved by another attempt, and got only their fetches
 * and read audit entries). A failure (e.g. a decision that already exists) fails the whole
 * statement: the caller then writes each case on its own.
 */
export async function writeRobotResults(
  db: RootDb,
  schema: string,
  items: readonly RobotWrite[],
): Promise<Set<string>> {
  const query = templateFor(
    db,
    schema,
  )({
    claims: JSON.stringify(
      items.map((w) => ({
        application_id: w.applicationId,
        processing: w.claim.processing,
        status: w.claim.status,
        manual_reasons: w.claim.manualReasons,
        updated_at: w.claim.updatedAt,
      })),
    ),
    fetches: gatedRows('registerFetches', items, (w) => w.fetches.map((row) => ({ gate: 'always', row }))),
    assessments: oneEach('robotAssessments', items, (w) => w.assessment, 'claimed'),
    decisions: oneEach('decisions', items, (w) => w.decision, 'claimed'),
    payments: oneEach('payments', items, (w) => w.payment, 'decision'),
    proposals: oneEach('proposals', items, (w) => w.proposal, 'claimed'),
    events: gatedRows('caseEvents', items, (w) => w.events),
    notifications: gatedRows('notifications', items, (w) =>
      w.notifications.map((n) => ({ gate: n.gate, row: notificationRow(n.row) })),
    ),
    audit: gatedRows('auditLog', items, (w) => w.audit),
  });
  const { rows } = await db.withoutPlugins().executeQuery<{ application_id: string }>(asPrepared(query));
  return new Set(rows.map((r) => r.application_id));
}
