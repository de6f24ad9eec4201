-- The changes feed (GET /v1/sync, issue 11; docs/decisions/0004-offline-api-idempotency-etags-changes-feed.md).
-- Every insert, update and delete of what an app keeps a copy of is recorded by a trigger, in the writing
-- transaction, with that transaction's id. The feed serves a change only once every transaction with a
-- smaller id has ended (xmin of the reader's snapshot), in (txid, id) order: a transaction that started
-- earlier but commits later can therefore never be passed over by a cursor. Deletes are kept here as
-- tombstones (a task delete is still a hard delete of the task). Kept 90 days (housekeeping).
CREATE TABLE sync_changes (
  id bigserial PRIMARY KEY,
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  entity text NOT NULL,
  entity_id uuid NOT NULL,
  -- Who may see it: the members of residence_id, and user_id (a profile, a notification, an avatar, the
  -- member a membership change is about).
  residence_id uuid,
  user_id uuid,
  deleted boolean NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_changes_position_idx ON sync_changes (txid, id);
CREATE INDEX sync_changes_changed_at_idx ON sync_changes (changed_at);

-- Arguments: the entity name, then the columns of its id, its residence and its user ('' for none).
CREATE FUNCTION sync_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  j jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN j := to_jsonb(OLD); ELSE j := to_jsonb(NEW); END IF;
  INSERT INTO sync_changes (entity, entity_id, residence_id, user_id, deleted)
  VALUES (
    TG_ARGV[0],
    (j ->> TG_ARGV[1])::uuid,
    CASE WHEN TG_ARGV[2] = '' THEN NULL ELSE (j ->> TG_ARGV[2])::uuid END,
    CASE WHEN TG_ARGV[3] = '' THEN NULL ELSE (j ->> TG_ARGV[3])::uuid END,
    TG_OP = 'DELETE'
  );
  RETURN NULL;
END;
$$;

CREATE TRIGGER residences_sync AFTER INSERT OR UPDATE OR DELETE ON residences
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('residence', 'id', 'id', '');
CREATE TRIGGER memberships_sync AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('member', 'user_id', 'residence_id', 'user_id');
CREATE TRIGGER tasks_sync AFTER INSERT OR UPDATE OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('task', 'id', 'residence_id', '');
CREATE TRIGGER completions_sync AFTER INSERT OR UPDATE OR DELETE ON completions
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('completion', 'id', 'residence_id', '');
CREATE TRIGGER contractors_sync AFTER INSERT OR UPDATE OR DELETE ON contractors
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('contractor', 'id', 'residence_id', '');
CREATE TRIGGER documents_sync AFTER INSERT OR UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('document', 'id', 'residence_id', '');
CREATE TRIGGER files_sync AFTER INSERT OR UPDATE OR DELETE ON files
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('file', 'id', 'residence_id', 'owner_id');
CREATE TRIGGER notifications_sync AFTER INSERT OR UPDATE OR DELETE ON notifications
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('notification', 'id', '', 'user_id');
CREATE TRIGGER users_sync AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('profile', 'id', '', 'id');
