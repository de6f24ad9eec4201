-- Issue 15: every task the API returns carries lastCompletedOn, max(completed_on) of its completions, read
-- by a correlated subquery per task row. completions_task_idx (task_id, created_at DESC) finds a task's
-- completions but not their dates: each one was fetched from the heap. With this index max() is one
-- index-only lookup per task (the first entry of its range), however long its maintenance log grows.
CREATE INDEX completions_task_completed_on_idx ON completions (task_id, completed_on DESC);
