-- Reminders and notifications: push devices and their delivery records, the in-app notification feed,
-- and the records that make each digest and each warranty reminder happen at most once.

-- A phone or tablet registered for push. A token belongs to one user at a time (the latest to register it).
CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  platform text NOT NULL CHECK (platform IN ('ios', 'android')),
  token text NOT NULL UNIQUE,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_user_id_idx ON devices (user_id);

-- One row per (push job, device): a re-delivered push job does not push twice.
CREATE TABLE push_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id text NOT NULL,
  device_id uuid NOT NULL,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  platform text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'gone')),
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (job_id, device_id)
);
CREATE INDEX push_deliveries_created_at_idx ON push_deliveries (created_at);

-- The in-app notification feed.
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  residence_id uuid REFERENCES residences (id) ON DELETE CASCADE,
  subject_type text,
  subject_id uuid,
  data jsonb NOT NULL DEFAULT '{}',
  -- Makes notify() idempotent for a given event: (user, dedupe_key) is unique when set.
  dedupe_key text,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_user_dedupe_key ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

-- At most one daily digest per user per local day, whichever tick (or replica) gets there first.
CREATE TABLE digest_runs (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  local_date date NOT NULL,
  outbox_id uuid,
  task_count integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, local_date)
);

-- Each warranty reminder (30 and 7 days before expiry) once per document and expiry date.
CREATE TABLE warranty_reminders (
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  days_before smallint NOT NULL CHECK (days_before IN (30, 7)),
  expires_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, days_before, expires_on)
);
