-- Contractor hand-off links (issue 18; docs/decisions/0016-handoff-links-handover-home-history.md).
-- A member makes a link for one task; a contractor without an account opens it, uploads an invoice and
-- photos, and marks the work done. What they send is a proposed completion on the link's row until a
-- member accepts it (a normal completion, with the photos, an invoice document, cost and contractor) or
-- rejects it. Only the SHA-256 of the link's token is stored.
CREATE TABLE handoff_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences(id) ON DELETE CASCADE,
  task_id uuid NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  contractor_id uuid REFERENCES contractors(id) ON DELETE SET NULL,
  show_address boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  -- The contractor's submission (one per link).
  submitted_at timestamptz,
  contractor_name text,
  contractor_company text,
  contractor_email text,
  contractor_phone text,
  completed_on date,
  amount_cents bigint CHECK (amount_cents >= 0),
  note text,
  -- A member's answer.
  decision text CHECK (decision IN ('accepted', 'rejected')),
  decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
  decided_at timestamptz,
  reject_reason text,
  completion_id uuid REFERENCES completions(id) ON DELETE SET NULL,
  invoice_document_id uuid REFERENCES documents(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (decision IS NULL OR submitted_at IS NOT NULL)
);
CREATE INDEX handoff_links_task_idx ON handoff_links (task_id);
CREATE INDEX handoff_links_residence_idx ON handoff_links (residence_id, created_at DESC);

-- Files a contractor sent through a link. They are files of the residence (same checks, same quota) with no
-- owner account; until a member accepts the submission they are attached to nothing else.
CREATE TABLE handoff_files (
  handoff_link_id uuid NOT NULL REFERENCES handoff_links(id) ON DELETE CASCADE,
  file_id uuid NOT NULL UNIQUE REFERENCES files(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('invoice', 'photo')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (handoff_link_id, file_id)
);

-- A file that never became part of the log (a rejected submission, a deleted task or link) goes with its
-- link; one that was accepted is attached to a completion or document by then and stays.
CREATE FUNCTION handoff_files_delete_unattached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM files WHERE id = OLD.file_id AND status <> 'attached';
  RETURN NULL;
END $$;
CREATE TRIGGER handoff_files_detached AFTER DELETE ON handoff_files
  FOR EACH ROW EXECUTE FUNCTION handoff_files_delete_unattached();
