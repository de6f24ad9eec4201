-- Appliances and systems of a residence (issue 19, decision record 0010): what the house is made of, the
-- tasks, documents and contractors that belong to each, the catalog templates each kind calls for, and the
-- recalls already raised for each (once per recall per appliance).

CREATE TABLE appliances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  residence_id uuid NOT NULL REFERENCES residences (id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL DEFAULT 'other' CHECK (kind IN (
    'furnace', 'air_conditioner', 'heat_pump', 'water_heater', 'water_softener', 'dishwasher', 'washer',
    'dryer', 'refrigerator', 'range', 'microwave', 'garage_door_opener', 'sump_pump', 'roof',
    'smoke_co_alarm', 'other')),
  brand text,
  model text,
  serial_number text,
  purchased_on date,
  installed_on date,
  location text,
  photo_file_id uuid,
  notes text,
  lifespan_years smallint CHECK (lifespan_years BETWEEN 1 AND 200),
  replacement_cost_cents bigint CHECK (replacement_cost_cents >= 0),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appliances_residence_idx ON appliances (residence_id, name, id);
-- The recall check reads every appliance with a brand (and usually a model).
CREATE INDEX appliances_brand_idx ON appliances (lower(brand)) WHERE brand IS NOT NULL;

-- Search, shaped like 0040_search.sql (english + simple for words, simple for codes such as models).
ALTER TABLE appliances ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', name), 'A') ||
  setweight(to_tsvector('simple', name), 'A') ||
  setweight(to_tsvector('simple', coalesce(brand, '') || ' ' || coalesce(model, '')), 'A') ||
  setweight(to_tsvector('simple', kind), 'B') ||
  setweight(to_tsvector('simple', coalesce(serial_number, '') || ' ' || coalesce(location, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(notes, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(notes, '')), 'C')
) STORED;
CREATE INDEX appliances_search_idx ON appliances USING gin (search);

-- Links: a task, document or contractor may belong to several appliances and the reverse. Deleting either
-- side removes the link only.
CREATE TABLE appliance_tasks (
  appliance_id uuid NOT NULL REFERENCES appliances (id) ON DELETE CASCADE,
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (appliance_id, task_id)
);
CREATE INDEX appliance_tasks_task_idx ON appliance_tasks (task_id);

CREATE TABLE appliance_documents (
  appliance_id uuid NOT NULL REFERENCES appliances (id) ON DELETE CASCADE,
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  PRIMARY KEY (appliance_id, document_id)
);
CREATE INDEX appliance_documents_document_idx ON appliance_documents (document_id);

CREATE TABLE appliance_contractors (
  appliance_id uuid NOT NULL REFERENCES appliances (id) ON DELETE CASCADE,
  contractor_id uuid NOT NULL REFERENCES contractors (id) ON DELETE CASCADE,
  PRIMARY KEY (appliance_id, contractor_id)
);
CREATE INDEX appliance_contractors_contractor_idx ON appliance_contractors (contractor_id);

-- Which catalog templates an appliance kind calls for (by slug: an operator may retire a template, and the
-- mapping then offers nothing for it). Operator-editable data, seeded here.
CREATE TABLE appliance_kind_templates (
  kind text NOT NULL,
  template_slug text NOT NULL,
  position smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, template_slug)
);
INSERT INTO appliance_kind_templates (kind, template_slug, position) VALUES
  ('furnace', 'replace-hvac-filter', 0),
  ('furnace', 'service-furnace', 1),
  ('furnace', 'clean-vents-and-registers', 2),
  ('air_conditioner', 'service-air-conditioner', 0),
  ('air_conditioner', 'clean-ac-condenser', 1),
  ('air_conditioner', 'flush-ac-condensate-line', 2),
  ('air_conditioner', 'replace-hvac-filter', 3),
  ('heat_pump', 'replace-hvac-filter', 0),
  ('heat_pump', 'service-air-conditioner', 1),
  ('heat_pump', 'clean-ac-condenser', 2),
  ('water_heater', 'flush-water-heater', 0),
  ('water_heater', 'inspect-water-heater-anode-rod', 1),
  ('water_heater', 'test-water-heater-relief-valve', 2),
  ('water_softener', 'replace-water-filter', 0),
  ('dishwasher', 'clean-dishwasher-filter', 0),
  ('washer', 'inspect-washing-machine-hoses', 0),
  ('washer', 'clean-washing-machine', 1),
  ('dryer', 'clean-dryer-vent', 0),
  ('refrigerator', 'clean-refrigerator-coils', 0),
  ('refrigerator', 'replace-water-filter', 1),
  ('range', 'clean-range-hood-filter', 0),
  ('range', 'clean-oven', 1),
  ('garage_door_opener', 'test-garage-door-auto-reverse', 0),
  ('garage_door_opener', 'lubricate-garage-door', 1),
  ('sump_pump', 'check-sump-pump', 0),
  ('roof', 'inspect-roof', 0),
  ('roof', 'clean-gutters', 1),
  ('smoke_co_alarm', 'test-smoke-co-alarms', 0),
  ('smoke_co_alarm', 'replace-smoke-alarm-batteries', 1),
  ('smoke_co_alarm', 'replace-smoke-alarms', 2);

-- A recall raised for an appliance: the primary key makes "once per recall per appliance" a constraint, so
-- a second run (or two workers at once) inserts nothing and notifies nobody.
CREATE TABLE appliance_recalls (
  appliance_id uuid NOT NULL REFERENCES appliances (id) ON DELETE CASCADE,
  source text NOT NULL,
  recall_id text NOT NULL,
  title text NOT NULL,
  remedy text,
  url text,
  recalled_on date,
  matched_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (appliance_id, source, recall_id)
);
