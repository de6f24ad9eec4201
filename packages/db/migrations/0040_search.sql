-- Full-text search over a residence's tasks, contractors and documents.
--
-- Each table gets a generated `search` tsvector and a GIN index. Every text field is indexed twice:
--   * with the 'english' configuration (Snowball stemming, stop words), so "filters" finds "filter" and
--     "cleaning" finds "clean";
--   * with the 'simple' configuration (lower-cased words, no stemming, no stop words), so the prefix term
--     the search route adds for the word being typed ("therm" → therm:*) matches the raw word, whatever its
--     stem, and so words of other languages are still found exactly.
-- Weights: A = the name/title, B = the category/kind/trades, C = notes, D = contact details.
-- Only immutable functions are allowed in a generated column: to_tsvector(regconfig, text), setweight,
-- tsvector || tsvector and array_to_tsvector are; array_to_string and concat_ws are not, hence the shape.
-- The columns are not in the Drizzle schema on purpose (see apps/api/src/search/query.ts).

ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('simple', title), 'A') ||
  setweight(to_tsvector('simple', category), 'B') ||
  setweight(to_tsvector('english', coalesce(notes, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(notes, '')), 'C')
) STORED;
CREATE INDEX tasks_search_idx ON tasks USING gin (search);

ALTER TABLE contractors ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', name), 'A') ||
  setweight(to_tsvector('simple', name), 'A') ||
  setweight(to_tsvector('english', coalesce(company, '')), 'A') ||
  setweight(to_tsvector('simple', coalesce(company, '')), 'A') ||
  setweight(array_to_tsvector(trades), 'B') ||
  setweight(to_tsvector('english', coalesce(notes, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(notes, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(email, '') || ' ' || coalesce(website, '')), 'D')
) STORED;
CREATE INDEX contractors_search_idx ON contractors USING gin (search);

ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('simple', title), 'A') ||
  setweight(to_tsvector('simple', kind), 'B') ||
  setweight(to_tsvector('english', coalesce(notes, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(notes, '')), 'C')
) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (search);

-- The contractor page sums the completions done by a contractor (completions_contractor_idx covers it);
-- documents list by residence and expiry for "expiring within N days".
CREATE INDEX documents_residence_expires_idx ON documents (residence_id, expires_on, id) WHERE expires_on IS NOT NULL;
