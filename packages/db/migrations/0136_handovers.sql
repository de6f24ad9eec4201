-- Handing a home over (issue 18; decision 0016). An owner offers a residence to a new owner by email; the
-- person who signs in with that (verified) address accepts it and becomes its only owner. `keep` lists what
-- the seller's household keeps a copy of in a new residence of its own: tasks, log, documents, contractors.
CREATE TABLE handovers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences(id) ON DELETE CASCADE,
  email text NOT NULL,
  keep text[] NOT NULL DEFAULT '{}',
  message text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
  declined_at timestamptz,
  revoked_at timestamptz,
  copy_residence_id uuid REFERENCES residences(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (keep <@ ARRAY['tasks', 'log', 'documents', 'contractors']::text[])
);
-- One open offer per residence.
CREATE UNIQUE INDEX handovers_one_open_idx ON handovers (residence_id)
  WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;
CREATE INDEX handovers_email_idx ON handovers (lower(email))
  WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;
