import { type Queryable, queryRows } from "@honeydue/db";
import { type SQL, sql } from "drizzle-orm";
import { escapeHtml } from "./text.ts";

/**
 * Full-text search over one residence's tasks, contractors, documents and appliances.
 *
 * The `search` tsvector columns (migrations 0040 and 0140) hold every field twice: stemmed with the 'english'
 * configuration and as plain words with 'simple'. A query is:
 *   websearch_to_tsquery('english', everything but the last word)      -- "quoted phrases", -not, or
 *   && (plainto_tsquery('english', last) || to_tsquery('simple', last:*))
 * so the whole words match through their stems ("filters" finds "filter") and the word still being typed
 * matches as a prefix of the raw words ("thermo" finds "thermostat"). The last word is only made a prefix
 * when it is a plain word (letters and digits, not negated, not inside an open quote); the prefix term is
 * built from those characters only, so user input never reaches to_tsquery's own syntax.
 *
 * The generated columns are not in the Drizzle schema: nothing ever writes them, and leaving them out keeps
 * the vectors out of every `select()` of whole rows. This module is the only reader and uses `sql`.
 */

export const SEARCH_TYPES = ["task", "contractor", "document", "appliance"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchHit {
  type: SearchType;
  id: string;
  title: string;
  /** HTML-escaped text around the matches, the matched words wrapped in <mark>…</mark>. */
  headline: string;
  rank: number;
}

/** Splits the last word off when it should match as a prefix. */
export function splitPrefix(q: string): { head: string; prefix: string | null; or: boolean } {
  const text = q.trim();
  const match = /(^|[^\p{L}\p{N}])([\p{L}\p{N}]+)$/u.exec(text);
  if (!match) return { head: text, prefix: null, or: false };
  const word = match[2]!;
  const before = text.slice(0, text.length - word.length);
  const negated = /(^|\s)-$/.test(before);
  const openQuote = (text.match(/"/g)?.length ?? 0) % 2 === 1;
  if (negated || openQuote || word.toLowerCase() === "or") return { head: text, prefix: null, or: false };
  // "gutters or smok": the prefix term is an alternative, not a further condition.
  const or = /(^|\s)or\s+$/i.test(before) && before.trim().toLowerCase() !== "or";
  return { head: or ? before.replace(/or\s+$/i, "") : before, prefix: word.toLowerCase(), or };
}

export function tsQuery(q: string): SQL {
  const { head, prefix, or } = splitPrefix(q);
  if (!prefix) return sql`websearch_to_tsquery('english', ${head})`;
  const last = sql`(plainto_tsquery('english', ${prefix}) || to_tsquery('simple', ${`${prefix}:*`}))`;
  return or
    ? sql`(websearch_to_tsquery('english', ${head}) || ${last})`
    : sql`(websearch_to_tsquery('english', ${head}) && ${last})`;
}

// Control characters mark the matches inside PostgreSQL; the text is HTML-escaped afterwards and only
// then are the markers turned into <mark> tags. The markers are removed from the user's text before
// ts_headline runs (see searchResidence), so a stored title cannot bring its own <mark> tags either.
const START = "\u0001";
const STOP = "\u0002";
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

export function renderHeadline(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: other control characters become spaces
  return escapeHtml(raw.replaceAll(/[\u0003-\u001f]/g, " "))
    .replaceAll(START, "<mark>")
    .replaceAll(STOP, "</mark>");
}

export async function searchResidence(
  db: Queryable,
  options: { residenceId: string; q: string; types: readonly SearchType[]; limit: number },
): Promise<SearchHit[]> {
  const { residenceId, types, limit } = options;
  // The tsquery is written inline (not in a CTE) so that the planner sees a constant and can estimate how
  // selective it is against each GIN index.
  const query = tsQuery(options.q);
  const branches: SQL[] = [];
  if (types.includes("task"))
    branches.push(sql`
      SELECT 'task' AS type, t.id, t.title, coalesce(t.notes, '') AS body, ts_rank(t.search, ${query}) AS rank
      FROM tasks t WHERE t.residence_id = ${residenceId} AND t.search @@ ${query}`);
  if (types.includes("contractor"))
    branches.push(sql`
      SELECT 'contractor' AS type, c.id, c.name AS title,
        coalesce(c.company, '') || ' ' || array_to_string(c.trades, ' ') || ' ' || coalesce(c.notes, '') AS body,
        ts_rank(c.search, ${query}) AS rank
      FROM contractors c WHERE c.residence_id = ${residenceId} AND c.search @@ ${query}`);
  if (types.includes("document"))
    branches.push(sql`
      SELECT 'document' AS type, d.id, d.title, d.kind || ' ' || coalesce(d.notes, '') AS body,
        ts_rank(d.search, ${query}) AS rank
      FROM documents d WHERE d.residence_id = ${residenceId} AND d.search @@ ${query}`);
  if (types.includes("appliance"))
    branches.push(sql`
      SELECT 'appliance' AS type, a.id, a.name AS title,
        concat_ws(' ', replace(a.kind, '_', ' '), a.brand, a.model, a.serial_number, a.location, a.notes) AS body,
        ts_rank(a.search, ${query}) AS rank
      FROM appliances a WHERE a.residence_id = ${residenceId} AND a.search @@ ${query}`);
  if (branches.length === 0) return [];
  const rows = await queryRows<{
    type: SearchType;
    id: string;
    title: string;
    rank: number | string;
    headline: string;
  }>(
    db,
    sql`
    WITH hits AS (
      ${sql.join(branches, sql` UNION ALL `)}
      ORDER BY rank DESC, title, id
      LIMIT ${limit}
    )
    SELECT hits.type, hits.id, hits.title, hits.rank::float8 AS rank,
      ts_headline('english', translate(hits.title || ' — ' || hits.body, chr(1) || chr(2), '  '), ${query},
        ${HEADLINE_OPTIONS}) AS headline
    FROM hits
    ORDER BY hits.rank DESC, hits.title, hits.id`,
  );
  return rows.map((row) => ({
    type: row.type,
    id: row.id,
    title: row.title,
    headline: renderHeadline(row.headline),
    rank: Math.round(Number(row.rank) * 1e6) / 1e6,
  }));
}
