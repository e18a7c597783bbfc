-- Self-cost billing (självkostnad) between host and tenant: invoicing details per municipality,
-- variable costs at cost price, invoices and credit notes with a gap-free number series per issuer.
-- Agreement terms stay in agreements.billing_terms (validated by zod in core); every invoice keeps
-- a snapshot of the terms it was computed with, so a later change never alters an issued invoice.

-- What a municipality needs on a Peppol invoice besides name and organisation number
-- (municipalities.organisation_number): postal address and, as issuer, the Bankgiro it is paid to.
CREATE TABLE billing_profiles (
  municipality_code text PRIMARY KEY REFERENCES municipalities (municipality_code),
  street            text CHECK (length(street) BETWEEN 1 AND 200),
  postal_zone       text CHECK (postal_zone ~ '^[0-9]{5}$'),
  city              text CHECK (length(city) BETWEEN 1 AND 100),
  bankgiro          text CHECK (bankgiro ~ '^[0-9]{7,8}$'),
  contact_email     text CHECK (length(contact_email) BETWEEN 3 AND 200),
  updated_by        text NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Costs the host paid for the tenant (training, travel …), re-invoiced at cost price, no markup.
-- invoice_id is set when the invoice carrying the cost is issued: one column, so a cost can be
-- on one invoice only; a full credit note clears it so the cost is billed again.
CREATE TABLE variable_costs (
  variable_cost_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agreement_id      uuid NOT NULL REFERENCES agreements (agreement_id),
  municipality_code text NOT NULL REFERENCES municipalities (municipality_code),
  cost_date         date NOT NULL,
  category          text NOT NULL CHECK (category IN
                      ('training', 'travel', 'per_diem', 'material', 'bus_passes', 'fuel', 'other')),
  amount_ore        bigint NOT NULL CHECK (amount_ore > 0),
  note              text CHECK (length(note) <= 500),
  receipt_reference text CHECK (length(receipt_reference) <= 100),
  registered_by     text NOT NULL,
  registered_at     timestamptz NOT NULL DEFAULT now(),
  invoice_id        uuid
);
CREATE INDEX variable_costs_unbilled_idx ON variable_costs (agreement_id, cost_date) WHERE invoice_id IS NULL;

-- Invoices (380) and credit notes (381). A draft has no number; issuing assigns the next number
-- of the issuer's series and freezes the row (trigger below).
CREATE TABLE invoices (
  invoice_id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  agreement_id        uuid NOT NULL REFERENCES agreements (agreement_id),
  issuer_code         text NOT NULL REFERENCES municipalities (municipality_code),
  buyer_code          text NOT NULL REFERENCES municipalities (municipality_code),
  period_start        date NOT NULL,
  period_end          date NOT NULL CHECK (period_end >= period_start),
  period_label        text NOT NULL,
  -- draft → issued → (credited: a full credit note was issued against it)
  status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'credited')),
  credited_invoice_id uuid REFERENCES invoices (invoice_id),
  credit_reason       text CHECK (length(credit_reason) BETWEEN 1 AND 500),
  series_year         integer,
  sequence_number     integer,
  number              text,
  issue_date          date,
  due_date            date,
  total_ore           bigint NOT NULL CHECK (total_ore > 0),
  lines               jsonb NOT NULL,
  specification       jsonb NOT NULL,
  terms               jsonb NOT NULL,
  -- what the draft billed, checked again when it is issued
  variable_cost_ids   uuid[] NOT NULL DEFAULT '{}',
  assistance_months   jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- frozen at issue: the document as sent (PDF is rendered from it) and the Peppol UBL
  document            jsonb,
  ubl_xml             text,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  issued_by           text,
  issued_at           timestamptz,
  credited_at         timestamptz,
  CHECK ((kind = 'credit_note') = (credited_invoice_id IS NOT NULL)),
  CHECK ((kind = 'credit_note') = (credit_reason IS NOT NULL)),
  CHECK (kind = 'invoice' OR status <> 'credited'),
  -- a number, dates and the frozen documents exist exactly when the document is no draft
  CHECK ((status = 'draft') = (number IS NULL)),
  CHECK ((status = 'draft') = (issue_date IS NULL)),
  CHECK ((status = 'draft') = (ubl_xml IS NULL)),
  CHECK ((status = 'draft') = (document IS NULL)),
  CHECK ((number IS NULL) = (sequence_number IS NULL) AND (number IS NULL) = (series_year IS NULL)),
  CHECK (kind = 'credit_note' OR status = 'draft' OR due_date IS NOT NULL)
);
-- One number per issuer: the series can never repeat a number.
CREATE UNIQUE INDEX invoices_number_uq ON invoices (issuer_code, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX invoices_sequence_uq ON invoices (issuer_code, series_year, sequence_number)
  WHERE sequence_number IS NOT NULL;
-- One live invoice per agreement and period: a re-run finds it; after a full credit a new one may be made.
CREATE UNIQUE INDEX invoices_period_uq ON invoices (agreement_id, period_start)
  WHERE kind = 'invoice' AND status <> 'credited';
-- At most one unissued credit note per invoice at a time.
CREATE UNIQUE INDEX invoices_credit_draft_uq ON invoices (credited_invoice_id)
  WHERE kind = 'credit_note' AND status = 'draft';
CREATE INDEX invoices_buyer_idx ON invoices (buyer_code, period_start);

ALTER TABLE variable_costs ADD FOREIGN KEY (invoice_id) REFERENCES invoices (invoice_id);

-- The issuer's gap-free series: one row per issuer and year, locked FOR UPDATE by the issuing
-- transaction, so a rolled-back issue leaves no gap (a sequence would).
CREATE TABLE invoice_number_series (
  issuer_code text NOT NULL REFERENCES municipalities (municipality_code),
  series_year integer NOT NULL CHECK (series_year BETWEEN 2000 AND 2100),
  last_number integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
  PRIMARY KEY (issuer_code, series_year)
);

-- Re-invoiced assistance, per month it relates to: each row bills the part of that month's paid
-- total between from_ore (exclusive) and to_ore (inclusive). Overlapping ranges of live rows are
-- refused, so the same paid kronor can never be billed twice, whatever runs concurrently.
CREATE TABLE reinvoiced_assistance (
  invoice_id   uuid NOT NULL REFERENCES invoices (invoice_id),
  agreement_id uuid NOT NULL REFERENCES agreements (agreement_id),
  month        text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  from_ore     bigint NOT NULL CHECK (from_ore >= 0),
  to_ore       bigint NOT NULL CHECK (to_ore > from_ore),
  active       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (invoice_id, month, from_ore),
  EXCLUDE USING gist (agreement_id WITH =, month WITH =, int8range(from_ore, to_ore, '(]') WITH &&)
    WHERE (active)
);

-- Issued documents are immutable. The only change after issue is an invoice being marked
-- credited (status and credited_at) when a full credit note is issued against it.
CREATE FUNCTION invoices_freeze_issued() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
DECLARE
  allowed invoices%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'issued invoice % is immutable', OLD.number USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  allowed := OLD;
  IF OLD.status = 'issued' AND NEW.status = 'credited' AND OLD.kind = 'invoice' THEN
    allowed.status := 'credited';
    allowed.credited_at := NEW.credited_at;
  END IF;
  IF NEW IS DISTINCT FROM allowed THEN
    RAISE EXCEPTION 'issued invoice % is immutable', OLD.number USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoices_freeze_issued BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_freeze_issued();

GRANT SELECT, INSERT, UPDATE ON billing_profiles, invoices, invoice_number_series TO samverkan_app;
GRANT SELECT, INSERT ON variable_costs TO samverkan_app;
GRANT UPDATE (invoice_id) ON variable_costs TO samverkan_app;
GRANT SELECT, INSERT ON reinvoiced_assistance TO samverkan_app;
GRANT UPDATE (active) ON reinvoiced_assistance TO samverkan_app;
-- Finance may enter a municipality's organisation number (needed on a Peppol invoice) and the
-- agreement's billing terms; nothing else in the registry.
GRANT UPDATE (organisation_number, updated_at) ON municipalities TO samverkan_app;
GRANT UPDATE (billing_terms) ON agreements TO samverkan_app;
