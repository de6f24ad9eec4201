-- Recall checks (issue 19, decision record 0017): the recall notices fetched from each source (CPSC), kept so
-- an appliance added later is matched against recalls already published, and each source's fetch state, so
-- a check fetches only what was published since the last successful one and an operator can see failures.

CREATE TABLE recall_notices (
  source text NOT NULL,
  recall_id text NOT NULL,
  title text NOT NULL,
  remedy text,
  url text,
  recalled_on date,
  published_at timestamptz,
  -- Firm names (manufacturers, importers, distributors, the firm named in the title), as published.
  firms text[] NOT NULL DEFAULT '{}',
  -- Model numbers named by the notice (product models and model numbers found in its descriptions).
  models text[] NOT NULL DEFAULT '{}',
  -- Title, product names and descriptions: a brand is also looked for here ("Instant Pot is printed on...").
  text text NOT NULL DEFAULT '',
  fetched_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, recall_id)
);

CREATE TABLE recall_sources (
  source text PRIMARY KEY,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  -- The newest publication date seen: the next check asks for what was published since (with an overlap).
  last_published_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error text
);
