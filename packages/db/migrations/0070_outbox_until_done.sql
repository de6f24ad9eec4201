-- The outbox stays the source of truth until a job's effect is done (issue 10): a published row is
-- finished only when its job completed (processed_at) or failed for good (failed_at, last_error). Rows
-- published but not finished are re-published by the reconciler (packages/jobs/src/reconciler.ts), so a
-- Redis that lost its data loses no job.

-- When the reconciler last looked at a published, unfinished row (it looks again after
-- OUTBOX_RECONCILE_AFTER_MS); published_at stays the time of the first publish.
ALTER TABLE outbox ADD COLUMN checked_at timestamptz;
-- Set by an operator's retry of a failed row: the relay first removes the failed job BullMQ still keeps
-- under the same job id (an `add` for a known job id is ignored).
ALTER TABLE outbox ADD COLUMN retried_at timestamptz;

-- Before this migration a published row counted as done: those rows are finished as they were.
UPDATE outbox SET processed_at = published_at
WHERE published_at IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL;

CREATE INDEX outbox_unfinished_idx ON outbox (published_at)
  WHERE published_at IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed_idx ON outbox (failed_at DESC) WHERE failed_at IS NOT NULL;
