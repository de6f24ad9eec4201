import { modelsInText } from "@honeydue/domain/appliances";

/**
 * Recall sources: where recall notices come from. A source answers the notices published since a date, in
 * one shape whatever its own format; the recall check (check.ts) stores and matches them. The U.S.
 * CPSC adapter is the only source so far; another country's agency is another `RecallSource`.
 */

/** One recall notice, as every source answers it. */
export interface RecallNotice {
  source: string;
  recallId: string;
  title: string;
  remedy: string | null;
  url: string | null;
  /** YYYY-MM-DD */
  recalledOn: string | null;
  publishedAt: Date | null;
  /** Manufacturers, importers, distributors and the firm named in the title. */
  firms: string[];
  /** Model numbers and patterns ("WDT730*") named by the notice. */
  models: string[];
  /** Title, product names and descriptions (a brand is also looked for here). */
  text: string;
}

export interface RecallSource {
  /** Stored with each notice and each match, e.g. `cpsc`. */
  name: string;
  /** Where it fetches from, for logs (no credentials: recall sources are public). */
  url: string;
  /** The notices published since `since`, and how many entries of the answer were unusable. */
  fetchSince(since: Date): Promise<{ notices: RecallNotice[]; skipped: number }>;
}

/** The source did not answer, answered an error, or answered something that is not its format. */
export class RecallSourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RecallSourceError";
  }
}

// The CPSC Recall Retrieval Web Services (https://www.saferproducts.gov/RestWebServices/Recall?format=json):
// a JSON array of recalls, each with RecallID, RecallNumber, RecallDate, LastPublishDate, Title, URL,
// Description and lists of objects: Products {Name, Description, Model, Type, CategoryID, NumberOfUnits},
// Manufacturers / Importers / Distributors / Retailers {Name, CompanyID}, Hazards {Name}, Remedies {Name},
// RemedyOptions {Option}, ... Any field may be missing, null or empty.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const names = (v: unknown, key = "Name"): string[] =>
  list(v)
    .map((o) => text(o[key]))
    .filter(Boolean);

/** "2018-03-01T00:00:00" → "2018-03-01"; anything else → null. */
function cpscDate(v: unknown): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text(v));
  return m ? m[1]! : null;
}

/** CPSC times carry no zone; they are U.S. Eastern dates in practice, read here as UTC midnights. */
function cpscInstant(v: unknown): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2})?/.exec(text(v));
  if (!m) return null;
  const d = new Date(`${m[1]}${m[2] ?? "T00:00:00"}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Whirlpool Corporation, of Benton Harbor, Mich." → "Whirlpool Corporation" */
const firmName = (name: string) => name.replace(/,\s+of\s+.*$/is, "").trim();

/** "Whirlpool Recalls Dishwashers Due to Fire Hazard" → "Whirlpool" (the firm CPSC titles start with). */
function titleFirm(title: string): string | null {
  const m = /^(.+?)\s+(?:Recalls?|Announces?|Expands?)\b/i.exec(title);
  return m ? m[1]!.trim() : null;
}

/** A Products[].Model field: a list ("WDT730PAH, WDT730PAHZ and WDF520-PADM") or a sentence naming them. */
function modelsOf(field: string): string[] {
  const out = new Set(modelsInText(field));
  for (const part of field.split(/[,;/]|\band\b|\bor\b/i)) {
    const p = part.trim();
    // A bare model like "KDTE334" in a list, even without the letters+digits shape modelsInText asks of prose.
    if (p && !/\s/.test(p) && p.length >= 3) out.add(p);
  }
  return [...out];
}

/**
 * One CPSC recall as a RecallNotice; null when it has no id or no title (counted as skipped by the caller).
 * The recall id is the RecallNumber CPSC publishes ("18-110"), else its internal RecallID.
 */
export function cpscNotice(recall: unknown): RecallNotice | null {
  if (!isObject(recall)) return null;
  const recallId = text(recall.RecallNumber) || text(recall.RecallID);
  const title = text(recall.Title);
  if (!recallId || !title) return null;
  const products = list(recall.Products);
  const firms = new Set(
    [
      ...names(recall.Manufacturers),
      ...names(recall.Importers),
      ...names(recall.Distributors),
      titleFirm(title) ?? "",
    ]
      .map(firmName)
      .filter(Boolean),
  );
  const models = new Set<string>();
  for (const p of products) for (const m of modelsOf(text(p.Model))) models.add(m);
  const prose = [text(recall.Description), ...products.map((p) => text(p.Description))].join("\n");
  for (const m of modelsInText(prose)) models.add(m);
  const remedies = names(recall.Remedies);
  return {
    source: "cpsc",
    recallId: recallId.slice(0, 100),
    title: title.slice(0, 1000),
    remedy: remedies.length ? remedies.join("\n").slice(0, 4000) : null,
    url: /^https?:\/\//i.test(text(recall.URL)) ? text(recall.URL).slice(0, 2000) : null,
    recalledOn: cpscDate(recall.RecallDate),
    publishedAt: cpscInstant(recall.LastPublishDate) ?? cpscInstant(recall.RecallDate),
    firms: [...firms].map((f) => f.slice(0, 500)),
    models: [...models].map((m) => m.slice(0, 200)).slice(0, 500),
    text: [title, ...products.map((p) => text(p.Name)), prose].join("\n").slice(0, 20_000),
  };
}

/** A CPSC answer as notices; throws RecallSourceError when it is not a JSON array at all. */
export function parseCpscRecalls(body: unknown): { notices: RecallNotice[]; skipped: number } {
  if (!Array.isArray(body))
    throw new RecallSourceError("CPSC answered something other than a list of recalls");
  const notices: RecallNotice[] = [];
  let skipped = 0;
  for (const entry of body) {
    const notice = cpscNotice(entry);
    if (notice) notices.push(notice);
    else skipped++;
  }
  return { notices, skipped };
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The CPSC adapter: GET `<url>?format=json&LastPublishDateStart=YYYY-MM-DD`, i.e. every recall published
 * or republished (an expanded model list is republished) since that day.
 */
export function createCpscSource(options: {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): RecallSource {
  const get = options.fetch ?? fetch;
  return {
    name: "cpsc",
    url: options.url,
    async fetchSince(since) {
      const url = new URL(options.url);
      url.searchParams.set("format", "json");
      url.searchParams.set("LastPublishDateStart", ymd(since));
      let response: Response;
      try {
        response = await get(url, {
          headers: { accept: "application/json" },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw new RecallSourceError(`CPSC unreachable: ${(error as Error).message}`, { cause: error });
      }
      if (!response.ok) {
        // A body that cannot even be discarded is part of the failure: kept as its cause.
        const discarded = await response.body?.cancel().then(
          () => undefined,
          (error: unknown) => error,
        );
        throw new RecallSourceError(
          `CPSC answered HTTP ${response.status}`,
          discarded ? { cause: discarded } : undefined,
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new RecallSourceError(`CPSC answered invalid JSON: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return parseCpscRecalls(body);
    },
  };
}
