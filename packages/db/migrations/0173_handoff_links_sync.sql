-- Contractor hand-off links in the changes feed (GET /v1/sync, migration 0082): a link is one entity whose
-- answer includes the files sent through it, so a file arriving, replaced or deleted is a change of the link.
-- (The link's secret is never in the feed: only its hash is stored, and the presenter leaves even that out.)

CREATE TRIGGER handoff_links_sync AFTER INSERT OR UPDATE OR DELETE ON handoff_links
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('handoffLink', 'id', 'residence_id', '');

CREATE FUNCTION sync_record_handoff_file() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  link uuid;
  residence uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN link := OLD.handoff_link_id; ELSE link := NEW.handoff_link_id; END IF;
  SELECT residence_id INTO residence FROM handoff_links WHERE id = link;
  -- The link itself was deleted (its files go with it): its own tombstone says so.
  IF residence IS NOT NULL THEN
    INSERT INTO sync_changes (entity, entity_id, residence_id, user_id, deleted)
    VALUES ('handoffLink', link, residence, NULL, false);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER handoff_files_sync AFTER INSERT OR UPDATE OR DELETE ON handoff_files
  FOR EACH ROW EXECUTE FUNCTION sync_record_handoff_file();
