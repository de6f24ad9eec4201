-- Escalation of overdue tasks (issue 18 item 1, decision record 0015): a residence's policy (off by default),
-- the escalation cycle of each overdue task, and what was sent to whom, so each step reaches each recipient
-- once per cycle whichever tick (or process) runs it.

CREATE TABLE escalation_policies (
  residence_id uuid PRIMARY KEY REFERENCES residences(id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT false,
  -- [{ "notify": "assignee" | "owners" | "member", "memberId"?: uuid,
  --    "afterDays": { "low": int|null, "normal": int|null, "high": int|null, "urgent": int|null } }]
  steps jsonb NOT NULL DEFAULT '[]',
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per overdue task: which occurrence (due_on) and which assignee the current cycle is about, and the
-- local date its clock started (the due date; the day of a reassignment, which restarts it).
CREATE TABLE task_escalation_cycles (
  task_id uuid PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  due_on date NOT NULL,
  assignee_id uuid,
  started_on date NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A step sent to one recipient in one cycle (the primary key makes it once).
CREATE TABLE task_escalations (
  task_id uuid NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  due_on date NOT NULL,
  assignee_key text NOT NULL,
  step smallint NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  days_overdue integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, due_on, assignee_key, step, user_id)
);

CREATE INDEX escalation_policies_enabled_idx ON escalation_policies (residence_id) WHERE enabled;
