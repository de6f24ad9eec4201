-- The home history report's share links in the changes feed (GET /v1/sync, migration 0082): household data
-- every member may list, so each change of one (made, viewed, revoked, revoked by a hand-over) reaches every
-- member's device. The feed never carries the token: only its hash is stored, and the presenter leaves that
-- out too. Hand-over offers are not in the feed (docs/handoff-and-handover.md says why).

CREATE TRIGGER report_links_sync AFTER INSERT OR UPDATE OR DELETE ON report_links
  FOR EACH ROW EXECUTE FUNCTION sync_record_change('reportLink', 'id', 'residence_id', '');
