-- Case handling for ekonomiskt bistånd: application → register data → calculation →
-- decision (robot, proposal + signature, or manual) → exactly one payment.
-- Every effect that must happen once is a unique constraint here, not a check in code.

CREATE SEQUENCE case_number_seq;

-- Nysamtal: first-meeting times offered by the municipality (at its own office or the host's).
CREATE TABLE intake_slots (
  slot_id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  starts_at         timestamptz NOT NULL,
  ends_at           timestamptz NOT NULL CHECK (ends_at > starts_at),
  place             text NOT NULL CHECK (place IN ('tenant_office', 'host_office', 'video')),
  location_name     text NOT NULL,
  officer_username  text NOT NULL,
  booked_person_id  uuid REFERENCES citizens (person_id),
  booked_at         timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((booked_person_id IS NULL) = (booked_at IS NULL))
);
CREATE INDEX intake_slots_free_idx ON intake_slots (starts_at) WHERE booked_person_id IS NULL;

-- The labour officer's judgement after the first meeting, and the plan period it covers.
CREATE TABLE labour_assessments (
  labour_assessment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id            uuid NOT NULL REFERENCES citizens (person_id),
  slot_id              uuid REFERENCES intake_slots (slot_id),
  available_for_work   boolean NOT NULL,
  reason               text,
  plan_from            date NOT NULL,
  plan_to              date NOT NULL CHECK (plan_to >= plan_from),
  track                text,
  recorded_by          text NOT NULL,
  recorded_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (available_for_work OR reason IS NOT NULL)
);
CREATE INDEX labour_assessments_person_idx ON labour_assessments (person_id, plan_from);

CREATE TABLE applications (
  application_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_number        text NOT NULL UNIQUE,
  person_id          uuid NOT NULL REFERENCES citizens (person_id),
  month              text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  channel            text NOT NULL CHECK (channel IN ('digital', 'paper')),
  -- draft → submitted → in_progress → (waiting_for_completion) → completed; withdrawn
  status             text NOT NULL CHECK (status IN ('draft', 'submitted', 'in_progress', 'waiting_for_completion', 'completed', 'withdrawn')),
  -- who the household is: applicant and partner personnummer, sorted — a couple is one household
  household_key      text NOT NULL,
  form               jsonb NOT NULL,
  slot_id            uuid REFERENCES intake_slots (slot_id),
  registered_by      text,
  submitted_at       timestamptz,
  due_at             timestamptz,
  -- robot progress: queued → (assessing) → decided | proposed | manual
  processing         text NOT NULL DEFAULT 'none'
                       CHECK (processing IN ('none', 'queued', 'assessing', 'proposed', 'manual', 'decided')),
  manual_reasons     jsonb NOT NULL DEFAULT '[]'::jsonb,
  robot_attempts     integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'draft') = (submitted_at IS NULL))
);
-- A household applies once per month: a resubmission is refused by the database.
CREATE UNIQUE INDEX applications_household_month_uq ON applications (household_key, month)
  WHERE status NOT IN ('draft', 'withdrawn');
CREATE UNIQUE INDEX applications_draft_uq ON applications (person_id, month) WHERE status = 'draft';
CREATE INDEX applications_queue_idx ON applications (processing, due_at) WHERE status IN ('submitted', 'in_progress', 'waiting_for_completion');
CREATE INDEX applications_person_idx ON applications (person_id, month);

-- Each register fetch is logged to the case: what was asked, what came back.
CREATE TABLE register_fetches (
  fetch_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id  uuid NOT NULL REFERENCES applications (application_id),
  personnummer    char(12) NOT NULL,
  sources         text[] NOT NULL,
  periods         text[] NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('ok', 'failed')),
  response        jsonb,
  error           text,
  fetched_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_fetches_application_idx ON register_fetches (application_id);

-- The robot's result for an application (one per application; a re-run replaces nothing).
CREATE TABLE robot_assessments (
  application_id        uuid PRIMARY KEY REFERENCES applications (application_id),
  outcome               text NOT NULL CHECK (outcome IN ('approve', 'reject', 'manual')),
  reasons               jsonb NOT NULL,
  calculation           jsonb,
  norm_version          text,
  guidelines_version_id uuid,
  created_at            timestamptz NOT NULL DEFAULT now()
);

-- A robot proposal awaiting a named delegate's signature.
CREATE TABLE proposals (
  proposal_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id      uuid NOT NULL UNIQUE REFERENCES applications (application_id),
  decision_type       text NOT NULL,
  amount_ore          bigint NOT NULL CHECK (amount_ore >= 0),
  norm_ore            bigint,
  propose_rule_id     uuid NOT NULL,
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'signed', 'returned')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  closed_at           timestamptz
);
CREATE INDEX proposals_open_idx ON proposals (created_at) WHERE status = 'open';

-- THE decision: at most one per application, whoever or whatever takes it.
CREATE TABLE decisions (
  decision_id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id        uuid NOT NULL UNIQUE REFERENCES applications (application_id),
  outcome               text NOT NULL CHECK (outcome IN ('approved', 'partially_approved', 'rejected')),
  amount_ore            bigint NOT NULL CHECK (amount_ore >= 0),
  month                 text NOT NULL,
  calculation           jsonb,
  reasons               jsonb NOT NULL,
  legal_basis           text NOT NULL,
  decided_by_kind       text NOT NULL CHECK (decided_by_kind IN ('robot', 'person')),
  decided_by            text NOT NULL,
  decided_by_name       text NOT NULL,
  decided_by_employer   text,
  delegation_rule_id    uuid NOT NULL,
  delegation_reference  text NOT NULL,
  proposal_id           uuid REFERENCES proposals (proposal_id),
  agreement_id          uuid,
  committee_name        text NOT NULL,
  norm_version          text,
  guidelines_version_id uuid,
  letter                jsonb NOT NULL,
  decided_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((outcome = 'rejected') = (amount_ore = 0))
);
CREATE INDEX decisions_decided_at_idx ON decisions (decided_at);

-- Exactly one payment per decision (and so per application).
CREATE TABLE payment_files (
  payment_file_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_date     date NOT NULL UNIQUE,
  message_id       text NOT NULL UNIQUE,
  format           text NOT NULL,
  payment_count    integer NOT NULL,
  total_ore        bigint NOT NULL,
  content          text NOT NULL,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
  payment_id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id      uuid NOT NULL UNIQUE REFERENCES decisions (decision_id),
  application_id   uuid NOT NULL UNIQUE REFERENCES applications (application_id),
  amount_ore       bigint NOT NULL CHECK (amount_ore > 0),
  payee_name       text NOT NULL,
  payee_account    jsonb NOT NULL,
  payment_date     date NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_file')),
  payment_file_id  uuid REFERENCES payment_files (payment_file_id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_pending_idx ON payments (payment_date) WHERE status = 'pending';

-- Mina ärenden: what the citizen is told. Delivery channels are pluggable; delivery is recorded.
CREATE TABLE notifications (
  notification_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id        uuid NOT NULL REFERENCES citizens (person_id),
  application_id   uuid REFERENCES applications (application_id),
  kind             text NOT NULL,
  title            text NOT NULL,
  body             text NOT NULL,
  dedupe_key       text NOT NULL UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_via    text,
  delivered_at     timestamptz,
  read_at          timestamptz
);
CREATE INDEX notifications_person_idx ON notifications (person_id, created_at);

CREATE TABLE journal_notes (
  note_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id  uuid NOT NULL REFERENCES applications (application_id),
  author          text NOT NULL,
  body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- The case history (status changes, robot steps, signatures), append-only.
CREATE TABLE case_events (
  event_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id  uuid NOT NULL REFERENCES applications (application_id),
  kind            text NOT NULL,
  actor           text NOT NULL,
  detail          jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_application_idx ON case_events (application_id, event_id);

-- Stickprov (document checks) and blind re-assessments, drawn monthly.
CREATE TABLE sample_checks (
  sample_check_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id   uuid NOT NULL REFERENCES applications (application_id),
  kind             text NOT NULL CHECK (kind IN ('documents', 'blind_review')),
  draw_month       text NOT NULL,
  requested_documents jsonb NOT NULL DEFAULT '[]'::jsonb,
  due_date         date,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
  outcome          text,
  blind_outcome    text CHECK (blind_outcome IN ('approved', 'partially_approved', 'rejected')),
  blind_amount_ore bigint,
  agrees_with_decision boolean,
  recorded_by      text,
  recorded_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (application_id, kind)
);

GRANT SELECT, INSERT, UPDATE ON intake_slots, labour_assessments, applications, register_fetches,
  robot_assessments, proposals, payments, payment_files, notifications, sample_checks TO samverkan_app;
-- Decisions, journal notes and case history are never changed once written.
GRANT SELECT, INSERT ON decisions, journal_notes, case_events TO samverkan_app;
GRANT USAGE, SELECT ON SEQUENCE case_number_seq TO samverkan_app;
