-- Files: photos and documents in object storage (S3-compatible or a local folder), private to their
-- residence. A row exists from the moment an upload starts (status pending), so every stored object is
-- known to the database; objects are removed only through the outbox (see files_deleted below).

CREATE TABLE files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NULL only for avatars, which belong to their user.
  residence_id uuid REFERENCES residences (id) ON DELETE CASCADE,
  -- Who uploaded it. A household's files outlive a member who deletes their account.
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  purpose text NOT NULL CHECK (purpose IN ('completion_photo', 'document', 'residence_photo', 'avatar')),
  -- Made by the server (r/<residenceId>/<uuid>, u/<userId>/<uuid>), never from a file name.
  storage_key text NOT NULL UNIQUE,
  thumbnail_key text,
  -- Declared by the client while pending; detected from the bytes once uploaded.
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text,
  width integer,
  height integer,
  -- Sanitized, for Content-Disposition only.
  original_name text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'uploaded', 'attached')),
  created_at timestamptz NOT NULL DEFAULT now(),
  uploaded_at timestamptz,
  attached_at timestamptz,
  CHECK ((purpose = 'avatar') = (residence_id IS NULL))
);
CREATE INDEX files_residence_idx ON files (residence_id) WHERE residence_id IS NOT NULL;
CREATE INDEX files_owner_idx ON files (owner_id) WHERE owner_id IS NOT NULL;
-- The housekeeping sweep: uploads never attached.
CREATE INDEX files_unattached_idx ON files (created_at) WHERE status <> 'attached';

-- Photos of a completion (the maintenance log), in the order given.
CREATE TABLE completion_photos (
  completion_id uuid NOT NULL REFERENCES completions (id) ON DELETE CASCADE,
  file_id uuid NOT NULL UNIQUE REFERENCES files (id) ON DELETE CASCADE,
  position smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (completion_id, file_id)
);

-- Deleting file rows (directly, or by cascade from a residence) enqueues the deletion of their stored
-- objects in the same transaction: the keys travel in the outbox row, so they are never lost.
CREATE FUNCTION files_enqueue_object_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  doomed text[];
BEGIN
  SELECT array_agg(k) INTO doomed FROM (
    SELECT storage_key AS k FROM deleted_files
    UNION ALL SELECT thumbnail_key FROM deleted_files WHERE thumbnail_key IS NOT NULL
    UNION ALL SELECT 'incoming/' || id::text FROM deleted_files WHERE status = 'pending'
  ) s;
  IF doomed IS NOT NULL THEN
    INSERT INTO outbox (job, payload) VALUES ('files.delete-objects', jsonb_build_object('keys', to_jsonb(doomed)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER files_deleted AFTER DELETE ON files
  REFERENCING OLD TABLE AS deleted_files FOR EACH STATEMENT EXECUTE FUNCTION files_enqueue_object_deletion();

-- A file belongs to what it is attached to: deleting or replacing that deletes the file.
CREATE FUNCTION files_delete_detached() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_file uuid;
  new_file uuid;
BEGIN
  IF TG_TABLE_NAME = 'documents' THEN
    old_file := OLD.file_id;
    IF TG_OP = 'UPDATE' THEN new_file := NEW.file_id; END IF;
  ELSIF TG_TABLE_NAME = 'residences' THEN
    old_file := OLD.photo_file_id;
    IF TG_OP = 'UPDATE' THEN new_file := NEW.photo_file_id; END IF;
  ELSIF TG_TABLE_NAME = 'users' THEN
    old_file := OLD.avatar_file_id;
    IF TG_OP = 'UPDATE' THEN new_file := NEW.avatar_file_id; END IF;
  ELSIF TG_TABLE_NAME = 'completion_photos' THEN
    old_file := OLD.file_id;
  END IF;
  IF old_file IS NOT NULL AND old_file IS DISTINCT FROM new_file THEN
    DELETE FROM files WHERE id = old_file;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER documents_file_detached AFTER DELETE OR UPDATE OF file_id ON documents
  FOR EACH ROW EXECUTE FUNCTION files_delete_detached();
CREATE TRIGGER residences_photo_detached AFTER UPDATE OF photo_file_id ON residences
  FOR EACH ROW EXECUTE FUNCTION files_delete_detached();
CREATE TRIGGER users_avatar_detached AFTER UPDATE OF avatar_file_id ON users
  FOR EACH ROW EXECUTE FUNCTION files_delete_detached();
CREATE TRIGGER completion_photos_detached AFTER DELETE ON completion_photos
  FOR EACH ROW EXECUTE FUNCTION files_delete_detached();

-- A deleted account takes its avatar (and avatar uploads) along; its household files stay.
CREATE FUNCTION files_delete_user_files() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM files WHERE owner_id = OLD.id AND residence_id IS NULL;
  RETURN OLD;
END $$;
CREATE TRIGGER users_files_deleted BEFORE DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION files_delete_user_files();
