-- One municipality's own data. Runs once per tenant schema with search_path = that schema.
-- FK-closed: no reference leaves the schema, so it can be exported whole or moved to another node.

-- The tenant's delegationsordning. Rows are never changed in substance: a rule is ended
-- (valid_to) and a new one added, so every decision can point at the rule it used.
CREATE TABLE delegation_rules (
  rule_id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference         text NOT NULL,
  decision_type     text NOT NULL,
  delegate          jsonb NOT NULL,
  max_amount_ore    bigint CHECK (max_amount_ore > 0),
  max_norm_multiple numeric(6, 2) CHECK (max_norm_multiple > 0),
  valid_from        date NOT NULL,
  valid_to          date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  note              text,
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  ended_by          text,
  ended_at          timestamptz
);

-- The tenant's riktlinjer, effective-dated; a new version never changes an earlier date.
CREATE TABLE guideline_versions (
  version_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  effective_from date NOT NULL UNIQUE,
  body           jsonb NOT NULL,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE citizens (
  person_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  personnummer char(12) NOT NULL UNIQUE CHECK (personnummer ~ '^[0-9]{12}$'),
  given_name   text NOT NULL,
  family_name  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Append-only: the application role may read and insert, never update or delete.
CREATE TABLE audit_log (
  audit_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at         timestamptz NOT NULL DEFAULT now(),
  actor_kind          text NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'robot', 'system')),
  actor_id            text NOT NULL,
  actor_employer_code text,
  acting_for_code     text NOT NULL,
  access_basis        text CHECK (access_basis IN ('own', 'agreement', 'citizen', 'robot')),
  agreement_id        uuid,
  delegation_rule_id  uuid,
  action              text NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  object_type         text,
  object_id           text,
  person_id           uuid,
  request_id          text,
  detail              jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_person_idx ON audit_log (person_id, occurred_at) WHERE person_id IS NOT NULL;
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);

GRANT SELECT, INSERT, UPDATE ON delegation_rules TO samverkan_app;
GRANT SELECT, INSERT, UPDATE ON guideline_versions TO samverkan_app;
GRANT SELECT, INSERT, UPDATE ON citizens TO samverkan_app;
GRANT SELECT, INSERT ON audit_log TO samverkan_app;
