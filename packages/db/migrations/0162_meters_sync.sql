-- Meters in the changes feed (GET /v1/sync, migration 0082): a meter is one entity whose answer includes its
-- latest reading and rate of use, so a reading is a change of the meter. (A reading that moves a usage
-- task's due date also updates the task row, which the tasks trigger records.)

CREATE TRIGGER meters_sync AFTER INSERT OR UPDATE OR DELETE ON meters
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('meter', 'id', 'residence_id', '');

CREATE FUNCTION sync_record_meter_reading() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  meter uuid;
  residence uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN meter := OLD.meter_id; ELSE meter := NEW.meter_id; END IF;
  SELECT residence_id INTO residence FROM meters WHERE id = meter;
  -- The meter itself was deleted (its readings go with it): its own tombstone says so.
  IF residence IS NOT NULL THEN
    INSERT INTO sync_changes (entity, entity_id, residence_id, user_id, deleted)
    VALUES ('meter', meter, residence, NULL, false);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER meter_readings_sync AFTER INSERT OR UPDATE OR DELETE ON meter_readings
  FOR EACH ROW EXECUTE FUNCTION sync_record_meter_reading();
