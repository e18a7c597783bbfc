-- Stickprov and blind re-assessment workflow; withdrawal and completion requests.

-- One draw per month: the row is the guard that makes a re-run return the same sample.
CREATE TABLE sample_draws (
  draw_month        text PRIMARY KEY CHECK (draw_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  population        integer NOT NULL CHECK (population >= 0),
  blind_population  integer NOT NULL CHECK (blind_population >= 0),
  sample_rate       numeric(4, 3) NOT NULL,
  blind_rate        numeric(4, 3) NOT NULL,
  documents_drawn   integer NOT NULL,
  blind_drawn       integer NOT NULL,
  drawn_by          text NOT NULL,
  drawn_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE sample_checks
  ADD COLUMN assigned_to text,
  ADD COLUMN assigned_at timestamptz,
  ADD COLUMN note text CHECK (length(note) <= 4000),
  ADD CONSTRAINT sample_checks_draw_fk FOREIGN KEY (draw_month) REFERENCES sample_draws (draw_month),
  ADD CONSTRAINT sample_checks_outcome_ck CHECK (
    (kind = 'documents' AND blind_outcome IS NULL AND
      (outcome IS NULL OR outcome IN ('no_deviation', 'deviation', 'not_submitted')))
    OR (kind = 'blind_review' AND outcome IS NULL)),
  -- A completed check has its result and who recorded it; an open one has neither.
  ADD CONSTRAINT sample_checks_completed_ck CHECK (
    (status = 'completed') = (recorded_at IS NOT NULL AND recorded_by IS NOT NULL
      AND (outcome IS NOT NULL OR (blind_outcome IS NOT NULL AND blind_amount_ore IS NOT NULL
        AND agrees_with_decision IS NOT NULL))));
CREATE INDEX sample_checks_month_idx ON sample_checks (draw_month, kind, status);

-- Komplettering: what the caseworker asked for, and the citizen's answer.
CREATE TABLE completion_requests (
  completion_request_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id   uuid NOT NULL REFERENCES applications (application_id),
  message          text NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
  due_date         date NOT NULL,
  requested_by     text NOT NULL,
  requested_at     timestamptz NOT NULL DEFAULT now(),
  answer           text CHECK (length(answer) <= 4000),
  answered_at      timestamptz,
  CHECK ((answer IS NULL) = (answered_at IS NULL))
);
-- At most one open request per application.
CREATE UNIQUE INDEX completion_requests_open_uq ON completion_requests (application_id)
  WHERE answered_at IS NULL;

-- A withdrawn application can never get a decision, whichever path (robot, signature, manual)
-- tries. The row lock serialises this against a concurrent withdrawal.
CREATE FUNCTION refuse_decision_on_withdrawn() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
DECLARE
  current_status text;
BEGIN
  SELECT status INTO current_status FROM applications
    WHERE application_id = NEW.application_id FOR UPDATE;
  IF current_status = 'withdrawn' THEN
    RAISE EXCEPTION 'application % is withdrawn', NEW.application_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'decisions_application_not_withdrawn';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER decisions_application_not_withdrawn BEFORE INSERT ON decisions
  FOR EACH ROW EXECUTE FUNCTION refuse_decision_on_withdrawn();

GRANT SELECT, INSERT ON sample_draws TO samverkan_app;
GRANT SELECT, INSERT, UPDATE ON completion_requests TO samverkan_app;

-- The morning summary as it was sent for the reasonableness review: one per date.
CREATE TABLE daily_summaries (
  summary_date  date PRIMARY KEY,
  body          jsonb NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON daily_summaries TO samverkan_app;
