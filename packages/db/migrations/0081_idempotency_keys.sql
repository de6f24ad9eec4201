-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header, issue 11): the first response of a POST that
-- creates or acts, kept with the key for 24 hours, scoped to the caller. The row is written in the same
-- transaction as the request's effect, so a key is either stored with its effect or not at all.
CREATE TABLE idempotency_keys (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  -- "POST /v1/residences/…/tasks" and a hash of the request body: the same key with another request is 422.
  request text NOT NULL,
  fingerprint text NOT NULL,
  status_code integer NOT NULL,
  content_type text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  PRIMARY KEY (user_id, key)
);
-- Housekeeping deletes expired keys.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
