-- Completed and archived tasks, listed by due date: the partial index tasks_residence_due_idx covers only
-- open tasks, so the "completed" and "archived" task lists get their own.
CREATE INDEX tasks_residence_closed_due_idx ON tasks (residence_id, due_on, id)
  WHERE archived_at IS NOT NULL OR completed_at IS NOT NULL;
