-- Shared links to a residence's home history report (issue 18; decision 0016): anyone with the link reads the
-- PDF, rendered from the residence's current data, until the link expires or a member revokes it. Only the
-- SHA-256 of the token is stored.
CREATE TABLE report_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences(id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  label text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  view_count integer NOT NULL DEFAULT 0,
  last_viewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_links_residence_idx ON report_links (residence_id, created_at DESC);
