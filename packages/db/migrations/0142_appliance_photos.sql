-- Appliance photos (issue 19): an upload with purpose 'appliance_photo', attached through the file pipeline
-- like a residence photo. Replacing or removing the photo, or deleting the appliance, deletes the file row,
-- whose trigger (0060) enqueues the deletion of its objects.

ALTER TABLE files DROP CONSTRAINT files_purpose_check;
ALTER TABLE files ADD CONSTRAINT files_purpose_check
  CHECK (purpose IN ('completion_photo', 'document', 'residence_photo', 'avatar', 'appliance_photo'));

-- A photo file deleted some other way (the residence's files) leaves no dangling id behind.
ALTER TABLE appliances ADD CONSTRAINT appliances_photo_file_fk
  FOREIGN KEY (photo_file_id) REFERENCES files (id) ON DELETE SET NULL;
CREATE INDEX appliances_photo_file_idx ON appliances (photo_file_id) WHERE photo_file_id IS NOT NULL;

-- 0060's function, with appliances.
CREATE OR REPLACE FUNCTION files_delete_detached() RETURNS trigger LANGUAGE plpgsql AS $$
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
  ELSIF TG_TABLE_NAME = 'appliances' THEN
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
CREATE TRIGGER appliances_photo_detached AFTER DELETE OR UPDATE OF photo_file_id ON appliances
  FOR EACH ROW EXECUTE FUNCTION files_delete_detached();
