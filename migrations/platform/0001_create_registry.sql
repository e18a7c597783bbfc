-- Control schema: the tenant registry, agreements, staff and the national norm catalogue.
-- Runs with search_path = platform. Tenant data never lives here.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE TABLE municipalities (
  municipality_code   text PRIMARY KEY CHECK (municipality_code ~ '^[0-2][0-9]{3}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
  organisation_number text CHECK (organisation_number ~ '^[0-9]{10}$'),
  -- Schema names are derived from the code by the platform, never taken from request text.
  schema_name         text NOT NULL UNIQUE CHECK (schema_name ~ '^kommun_[0-9]{4}$'),
  committee_name      text NOT NULL,
  postal_address      text,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'offboarded')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agreements (
  agreement_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title                text NOT NULL,
  host_code            text NOT NULL REFERENCES municipalities (municipality_code),
  tenant_code          text NOT NULL REFERENCES municipalities (municipality_code),
  scopes               text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['assistance', 'labour_market']),
  valid_from           date NOT NULL,
  valid_to             date,
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
  billing_terms        jsonb NOT NULL DEFAULT '{}'::jsonb,
  data_controller_note text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (host_code <> tenant_code),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  -- Two agreements between the same parties may not overlap in time.
  EXCLUDE USING gist (host_code WITH =, tenant_code WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
    WHERE (status = 'active')
);
CREATE INDEX agreements_tenant_idx ON agreements (tenant_code);

CREATE TABLE staff (
  staff_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
  display_name  text NOT NULL,
  title         text,
  employer_code text NOT NULL REFERENCES municipalities (municipality_code),
  roles         text[] NOT NULL CHECK (
    roles <@ ARRAY['caseworker', 'labour_officer', 'unit_manager', 'follow_up', 'finance', 'platform_admin']),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Riksnorm per year: data, not code, so a correction needs no release.
CREATE TABLE national_norms (
  year            integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  effective_from  date NOT NULL,
  legal_reference text NOT NULL,
  body            jsonb NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox. Written in the same transaction as the change that causes the job;
-- the relay moves unsent rows to BullMQ under job_id. Payloads carry ids only, never personal data.
CREATE TABLE outbox (
  outbox_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  municipality_code text NOT NULL,
  queue             text NOT NULL,
  job_name          text NOT NULL,
  job_id            text NOT NULL UNIQUE,
  payload           jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz,
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text
);
CREATE INDEX outbox_unsent_idx ON outbox (outbox_id) WHERE sent_at IS NULL;

-- Platform-level audit: refusals that name no known municipality, and administrative acts.
CREATE TABLE audit_log (
  audit_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at         timestamptz NOT NULL DEFAULT now(),
  actor_kind          text NOT NULL,
  actor_id            text NOT NULL,
  actor_employer_code text,
  action              text NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  target              text,
  request_id          text,
  detail              jsonb NOT NULL DEFAULT '{}'::jsonb
);

GRANT USAGE ON SCHEMA platform TO samverkan_app;
GRANT SELECT ON municipalities, agreements, staff, national_norms TO samverkan_app;
GRANT SELECT, INSERT, UPDATE ON outbox TO samverkan_app;
GRANT SELECT, INSERT ON audit_log TO samverkan_app;
