-- Sent outbox rows are pruned by the relay after a retention period (default 7 days): the job
-- has long run by then, and every processor is idempotent against the database's own guards.
GRANT DELETE ON outbox TO samverkan_app;
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
