-- Follow-up, official reporting and retention (gallring) for one municipality.
-- Statistics are computed from the case tables; the tables here only hold what the official
-- reporting needs and the case tables do not carry, plus the disposal policy and its log.

-- Folkmängd per year (for key figures such as Kolada N31807); set by the municipality itself.
CREATE TABLE population_years (
  year        integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 2200),
  residents   integer NOT NULL CHECK (residents > 0),
  source      text CHECK (length(source) <= 200),
  set_by      text NOT NULL,
  set_at      timestamptz NOT NULL DEFAULT now()
);

-- Försörjningshinder (Socialstyrelsen's variable), recorded per person from a date on.
-- The latest row on or before a month's last day applies to that month.
CREATE TABLE self_support_obstacles (
  obstacle_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id    uuid NOT NULL REFERENCES citizens (person_id),
  valid_from   date NOT NULL,
  obstacle     text NOT NULL CHECK (obstacle IN ('unemployed', 'sick_with_certificate',
                 'sick_without_certificate', 'social_reasons', 'parental_leave',
                 'insufficient_income', 'other')),
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (person_id, valid_from)
);

-- Avslut: the person left assistance / the labour-market programme in a month, and why.
-- One exit per person and month (a repeated report is refused by the database).
CREATE TABLE assistance_exits (
  exit_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id    uuid NOT NULL REFERENCES citizens (person_id),
  exit_month   text NOT NULL CHECK (exit_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  reason       text NOT NULL CHECK (reason IN ('work', 'studies', 'other_income', 'moved', 'other')),
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (person_id, exit_month)
);
CREATE INDEX assistance_exits_month_idx ON assistance_exits (exit_month);

-- The municipality's disposal policy (at most one row; none = the statutory default:
-- 5 years after the last entry, keeping persons born on day 5, 15 or 25).
CREATE TABLE retention_policy (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  retention_years  integer NOT NULL CHECK (retention_years BETWEEN 5 AND 100),
  keep_birth_days  integer[] NOT NULL CHECK (keep_birth_days <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,
                     17,18,19,20,21,22,23,24,25,26,27,28,29,30,31]),
  updated_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Gallringslogg: what a disposal removed, in counts and case numbers only (no personal data).
CREATE TABLE disposal_runs (
  run_id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  as_of               date NOT NULL,
  retention_years     integer NOT NULL,
  keep_birth_days     integer[] NOT NULL,
  persons_disposed    integer NOT NULL CHECK (persons_disposed >= 0),
  persons_kept        integer NOT NULL CHECK (persons_kept >= 0),
  case_numbers        text[] NOT NULL,
  table_counts        jsonb NOT NULL,
  executed_by         text NOT NULL,
  executed_at         timestamptz NOT NULL DEFAULT now()
);

-- Statistics read decisions by the month they relate to.
CREATE INDEX decisions_month_idx ON decisions (month);

-- Per person (citizen row): the latest entry in anything that is part of their case records,
-- including applications of any household whose key names them (a couple's case is one file).
-- Used by the dry run and re-checked by the disposal function, so the rule lives in one place.
DO $do$
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION %1$I.retention_last_entries() RETURNS TABLE (person_id uuid, last_entry timestamptz)
      LANGUAGE sql STABLE SET search_path = %1$I, pg_temp AS $body$
      WITH hh AS (
        SELECT DISTINCT c.person_id, a.application_id
          FROM applications a
          CROSS JOIN LATERAL unnest(string_to_array(a.household_key, '+')) AS k(pnr)
          JOIN citizens c ON c.personnummer = k.pnr
        UNION
        SELECT person_id, application_id FROM applications
      ), app_entries AS (
        SELECT hh.person_id, greatest(a.created_at, a.updated_at, a.submitted_at,
                 (SELECT max(d.decided_at) FROM decisions d WHERE d.application_id = a.application_id),
                 (SELECT max(p.created_at) FROM payments p WHERE p.application_id = a.application_id),
                 (SELECT max(e.occurred_at) FROM case_events e WHERE e.application_id = a.application_id),
                 (SELECT max(n.created_at) FROM journal_notes n WHERE n.application_id = a.application_id),
                 (SELECT max(greatest(s.created_at, s.recorded_at)) FROM sample_checks s
                   WHERE s.application_id = a.application_id),
                 (SELECT max(f.fetched_at) FROM register_fetches f WHERE f.application_id = a.application_id)
               ) AS at
          FROM hh JOIN applications a ON a.application_id = hh.application_id
      ), person_entries AS (
        SELECT person_id, at FROM app_entries
        UNION ALL SELECT person_id, created_at FROM citizens
        UNION ALL SELECT person_id, recorded_at FROM labour_assessments
        UNION ALL SELECT booked_person_id, greatest(booked_at, starts_at) FROM intake_slots
          WHERE booked_person_id IS NOT NULL
        UNION ALL SELECT person_id, greatest(created_at, delivered_at, read_at) FROM notifications
        UNION ALL SELECT person_id, recorded_at FROM self_support_obstacles
        UNION ALL SELECT person_id, recorded_at FROM assistance_exits
      )
      SELECT person_id, max(at) FROM person_entries GROUP BY person_id
    $body$ $f$, current_schema());

  -- Disposal runs as the schema owner so the application role keeps no DELETE right on case
  -- records (decisions and case history stay append-only for every other path). It refuses any
  -- person whose last entry is younger than the retention period, whatever the caller says.
  EXECUTE format($f$
    CREATE FUNCTION %1$I.dispose_person_records(p_person_ids uuid[], p_retention_years integer)
      RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = %1$I, pg_temp AS $body$
    DECLARE
      apps uuid[];
      counts jsonb := '{}'::jsonb;
      n bigint;
    BEGIN
      IF p_retention_years IS NULL OR p_retention_years < 5 THEN
        RAISE EXCEPTION 'retention period must be at least five years' USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (
        SELECT 1 FROM unnest(p_person_ids) AS id
          LEFT JOIN retention_last_entries() le ON le.person_id = id
         WHERE le.last_entry IS NULL
            OR le.last_entry >= now() - make_interval(years => p_retention_years)) THEN
        RAISE EXCEPTION 'a person''s records are younger than the retention period'
          USING ERRCODE = 'check_violation';
      END IF;
      SELECT coalesce(array_agg(application_id), '{}') INTO apps
        FROM applications WHERE person_id = ANY (p_person_ids);

      DELETE FROM payments WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('payments', n);
      DELETE FROM sample_checks WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('sample_checks', n);
      DELETE FROM case_events WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case_events', n);
      DELETE FROM journal_notes WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('journal_notes', n);
      DELETE FROM notifications WHERE application_id = ANY (apps) OR person_id = ANY (p_person_ids);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('notifications', n);
      DELETE FROM decisions WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('decisions', n);
      DELETE FROM proposals WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('proposals', n);
      DELETE FROM robot_assessments WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('robot_assessments', n);
      DELETE FROM register_fetches WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('register_fetches', n);
      IF to_regclass('completion_requests') IS NOT NULL THEN
        EXECUTE 'DELETE FROM completion_requests WHERE application_id = ANY ($1)' USING apps;
        GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('completion_requests', n);
      END IF;
      DELETE FROM applications WHERE application_id = ANY (apps);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('applications', n);
      DELETE FROM labour_assessments WHERE person_id = ANY (p_person_ids);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('labour_assessments', n);
      DELETE FROM intake_slots s WHERE s.booked_person_id = ANY (p_person_ids)
        AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.slot_id = s.slot_id)
        AND NOT EXISTS (SELECT 1 FROM labour_assessments l WHERE l.slot_id = s.slot_id);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('intake_slots', n);
      DELETE FROM self_support_obstacles WHERE person_id = ANY (p_person_ids);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('self_support_obstacles', n);
      DELETE FROM assistance_exits WHERE person_id = ANY (p_person_ids);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('assistance_exits', n);
      -- The citizen row goes too unless another household's case still names the person.
      DELETE FROM citizens c WHERE c.person_id = ANY (p_person_ids)
        AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.person_id = c.person_id)
        AND NOT EXISTS (SELECT 1 FROM intake_slots s WHERE s.booked_person_id = c.person_id);
      GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('citizens', n);
      RETURN counts;
    END;
    $body$ $f$, current_schema());
END
$do$;

REVOKE ALL ON FUNCTION dispose_person_records(uuid[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dispose_person_records(uuid[], integer) TO samverkan_app;
GRANT EXECUTE ON FUNCTION retention_last_entries() TO samverkan_app;

GRANT SELECT, INSERT, UPDATE ON population_years, self_support_obstacles, retention_policy TO samverkan_app;
GRANT SELECT, INSERT ON assistance_exits, disposal_runs TO samverkan_app;
-- The tenant's own export (API) reads every sequence's state, identity ones included.
DO $do$
BEGIN
  EXECUTE format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO samverkan_app', current_schema());
END
$do$;
