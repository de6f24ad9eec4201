-- Households: residences and their members, invites, the honey-do list, the maintenance log,
-- contractors, documents, the template catalog, the activity feed and calendar feeds.

CREATE TABLE residences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  address_line1 text,
  address_line2 text,
  city text,
  region text,
  postal_code text,
  country text,
  property_type text NOT NULL DEFAULT 'house'
    CHECK (property_type IN ('house', 'townhouse', 'condo', 'apartment', 'other')),
  year_built smallint CHECK (year_built BETWEEN 1000 AND 2200),
  floor_area numeric(10, 2) CHECK (floor_area > 0),
  floor_area_unit text NOT NULL DEFAULT 'sqft' CHECK (floor_area_unit IN ('sqft', 'sqm')),
  photo_file_id uuid,
  timezone text NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (residence_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE invites (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
  token_hash bytea NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invites_residence_id_idx ON invites (residence_id);

CREATE TABLE share_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  code text NOT NULL UNIQUE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'viewer')),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_codes_residence_id_idx ON share_codes (residence_id);

CREATE TABLE contractors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  name text NOT NULL,
  company text,
  trades text[] NOT NULL DEFAULT '{}',
  phone text,
  email text,
  website text,
  notes text,
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  favorite boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contractors_residence_id_idx ON contractors (residence_id, name);

CREATE TABLE task_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE,
  title text NOT NULL,
  how_to text NOT NULL DEFAULT '',
  category text NOT NULL,
  priority text NOT NULL DEFAULT 'normal',
  recurrence jsonb,
  property_types text[] NOT NULL DEFAULT '{}',
  starter boolean NOT NULL DEFAULT false,
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  title text NOT NULL,
  notes text,
  category text NOT NULL DEFAULT 'other' CHECK (category IN
    ('hvac', 'plumbing', 'electrical', 'appliances', 'exterior', 'interior', 'yard', 'safety', 'cleaning', 'pest', 'other')),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- due_on is the date the task is due now (after a snooze, the snoozed date);
  -- scheduled_on is the occurrence of the schedule it stands for; anchor_on is the schedule's first date.
  due_on date,
  scheduled_on date,
  anchor_on date,
  recurrence jsonb,
  estimated_cost_cents bigint CHECK (estimated_cost_cents >= 0),
  contractor_id uuid REFERENCES contractors (id) ON DELETE SET NULL,
  template_id uuid REFERENCES task_templates (id) ON DELETE SET NULL,
  completed_at timestamptz,
  archived_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The list and home-screen queries: open tasks of a residence by due date.
CREATE INDEX tasks_residence_due_idx ON tasks (residence_id, due_on, id) WHERE archived_at IS NULL AND completed_at IS NULL;
CREATE INDEX tasks_residence_created_idx ON tasks (residence_id, created_at);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX tasks_contractor_idx ON tasks (contractor_id) WHERE contractor_id IS NOT NULL;

-- The maintenance log. due_on names the occurrence completed: one completion per occurrence.
CREATE TABLE completions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  completed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  completed_on date NOT NULL,
  due_on date,
  notes text,
  cost_cents bigint CHECK (cost_cents >= 0),
  contractor_id uuid REFERENCES contractors (id) ON DELETE SET NULL,
  -- The task's schedule fields before this completion, so undo restores them exactly.
  previous_task_state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX completions_task_idx ON completions (task_id, created_at DESC);
CREATE INDEX completions_residence_idx ON completions (residence_id, completed_on DESC);
CREATE INDEX completions_contractor_idx ON completions (contractor_id) WHERE contractor_id IS NOT NULL;

CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  title text NOT NULL,
  kind text NOT NULL DEFAULT 'other'
    CHECK (kind IN ('warranty', 'manual', 'receipt', 'insurance', 'permit', 'invoice', 'other')),
  file_id uuid,
  purchase_on date,
  expires_on date,
  amount_cents bigint CHECK (amount_cents >= 0),
  notes text,
  task_id uuid REFERENCES tasks (id) ON DELETE SET NULL,
  contractor_id uuid REFERENCES contractors (id) ON DELETE SET NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_residence_idx ON documents (residence_id, created_at DESC);
CREATE INDEX documents_expires_idx ON documents (expires_on) WHERE expires_on IS NOT NULL;

-- Written in the same transaction as the change it records.
CREATE TABLE activity (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id uuid,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_residence_idx ON activity (residence_id, id DESC);

CREATE TABLE calendar_feeds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (user_id) WHERE revoked_at IS NULL;
