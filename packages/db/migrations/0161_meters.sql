-- Usage-based and hybrid schedules (issue 18 item 2, decision record 0015): meters of a residence, their
-- readings, and on each usage task where its current period started and the last projection of its due date.

CREATE TABLE meters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences(id) ON DELETE CASCADE,
  name text NOT NULL,
  unit text NOT NULL CHECK (unit IN ('hours', 'miles', 'km', 'gallons', 'litres', 'cycles')),
  appliance_id uuid REFERENCES appliances(id) ON DELETE SET NULL,
  contractor_id uuid REFERENCES contractors(id) ON DELETE SET NULL,
  document_id uuid REFERENCES documents(id) ON DELETE SET NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meters_residence_idx ON meters (residence_id, name);

-- `value` is what the meter shows; `total` the use counted since the meter was added, which keeps going up
-- across a reset or a replacement (kind), so schedules count in totals.
CREATE TABLE meter_readings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meter_id uuid NOT NULL REFERENCES meters(id) ON DELETE CASCADE,
  residence_id uuid NOT NULL REFERENCES residences(id) ON DELETE CASCADE,
  read_on date NOT NULL,
  value numeric(14, 2) NOT NULL CHECK (value >= 0),
  total numeric(16, 2) NOT NULL CHECK (total >= 0),
  kind text NOT NULL DEFAULT 'reading' CHECK (kind IN ('reading', 'reset', 'replaced')),
  note text,
  completion_id uuid REFERENCES completions(id) ON DELETE SET NULL,
  recorded_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_readings_meter_idx ON meter_readings (meter_id, read_on, created_at);

-- A usage task's period: the meter total when it started (creation or last completion); the interval of a
-- hybrid counts from anchor_on. usage_projection is the basis of its due_on, as the API shows it.
ALTER TABLE tasks ADD COLUMN usage_since_total numeric(16, 2);
ALTER TABLE tasks ADD COLUMN usage_projection jsonb;
CREATE INDEX tasks_usage_meter_idx ON tasks ((recurrence ->> 'meterId')) WHERE recurrence ->> 'kind' = 'usage';
