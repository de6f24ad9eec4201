-- Appliances in the changes feed (GET /v1/sync, migration 0082): an appliance is one entity whose answer
-- includes its linked tasks, documents and contractors and its recalls, so a change to any of those links,
-- or a recall matched to it, is a change of the appliance.

CREATE TRIGGER appliances_sync AFTER INSERT OR UPDATE OR DELETE ON appliances
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('appliance', 'id', 'residence_id', '');

CREATE FUNCTION sync_record_appliance_part() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  appliance uuid;
  residence uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN appliance := OLD.appliance_id; ELSE appliance := NEW.appliance_id; END IF;
  SELECT residence_id INTO residence FROM appliances WHERE id = appliance;
  -- The appliance itself was deleted (the links go with it): its own tombstone says so.
  IF residence IS NOT NULL THEN
    INSERT INTO sync_changes (entity, entity_id, residence_id, user_id, deleted)
    VALUES ('appliance', appliance, residence, NULL, false);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER appliance_tasks_sync AFTER INSERT OR UPDATE OR DELETE ON appliance_tasks
  FOR EACH ROW EXECUTE FUNCTION sync_record_appliance_part();
CREATE TRIGGER appliance_documents_sync AFTER INSERT OR UPDATE OR DELETE ON appliance_documents
  FOR EACH ROW EXECUTE FUNCTION sync_record_appliance_part();
CREATE TRIGGER appliance_contractors_sync AFTER INSERT OR UPDATE OR DELETE ON appliance_contractors
  FOR EACH ROW EXECUTE FUNCTION sync_record_appliance_part();
CREATE TRIGGER appliance_recalls_sync AFTER INSERT OR UPDATE OR DELETE ON appliance_recalls
  FOR EACH ROW EXECUTE FUNCTION sync_record_appliance_part();
