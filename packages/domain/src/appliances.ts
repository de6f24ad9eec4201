/**
 * Appliances: typical lifespans per kind (replacement planning) and the brand/model matching used by recall
 * checks. Pure functions, no I/O.
 */

/**
 * Typical service life in years per kind, used when the household has not given one. Midpoints of the
 * ranges published by InterNACHI's "Standard Estimated Life Expectancy Chart for Homes".
 */
export const TYPICAL_LIFESPAN_YEARS: Record<string, number> = {
  furnace: 20,
  air_conditioner: 15,
  heat_pump: 15,
  water_heater: 10,
  water_softener: 12,
  dishwasher: 10,
  washer: 11,
  dryer: 13,
  refrigerator: 13,
  range: 15,
  microwave: 9,
  garage_door_opener: 12,
  sump_pump: 10,
  roof: 25,
  smoke_co_alarm: 10,
};

/** The lifespan to plan with: the household's own, else the kind's typical one, else none. */
export function expectedLifespanYears(kind: string, own: number | null): number | null {
  return own ?? TYPICAL_LIFESPAN_YEARS[kind] ?? null;
}

/** The date an appliance reaches its expected end of life: installed (else purchased) + lifespan years. */
export function endOfLifeOn(startedOn: string | null, lifespanYears: number | null): string | null {
  if (!startedOn || !lifespanYears) return null;
  const [y, m, d] = startedOn.split("-").map(Number) as [number, number, number];
  const year = y + lifespanYears;
  // 29 February plus N years lands on 28 February in a common year.
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

export type ReplacementStatus = "past_end_of_life" | "nearing_end_of_life" | "ok" | "unknown";

/** Where an appliance stands against its end of life; "nearing" is within `horizonYears` of it. */
export function replacementStatus(
  endOfLife: string | null,
  today: string,
  horizonYears = 2,
): ReplacementStatus {
  if (!endOfLife) return "unknown";
  if (endOfLife <= today) return "past_end_of_life";
  const horizon = endOfLifeOn(today, horizonYears)!;
  return endOfLife <= horizon ? "nearing_end_of_life" : "ok";
}

/** Whole years between two dates (the age of an appliance installed on `from`, on `to`). */
export function wholeYearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = to.split("-").map(Number) as [number, number, number];
  let years = ty - fy;
  if (tm < fm || (tm === fm && td < fd)) years--;
  return Math.max(0, years);
}

const COMPANY_SUFFIXES =
  /\b(incorporated|inc|corporation|corp|company|co|llc|ltd|limited|gmbh|ag|sa|plc|usa|us|america|north america|international|intl|home|appliances?|products|brands?|manufacturing|mfg|group|holdings)\b/g;

/**
 * A brand as comparable text: lower case, accents and punctuation gone, company suffixes dropped
 * ("Whirlpool Corporation" → "whirlpool", "A.O. Smith Corp." → "ao smith", "Rheem Manufacturing Co" → "rheem").
 */
export function normalizeBrand(brand: string): string {
  const plain = brand
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\.(?=[a-z0-9])/g, "")
    .replace(/[^a-z0-9]+/g, " ");
  const stripped = plain.replace(COMPANY_SUFFIXES, " ").replace(/\s+/g, " ").trim();
  return stripped || plain.trim();
}

/**
 * A model number as comparable text: upper case, only letters and digits ("WDT-730 PAHZ" and "wdt730pahz"
 * are the same model). Models vary in punctuation and spacing between a label and a recall notice.
 */
export function normalizeModel(model: string): string {
  return model
    .normalize("NFKD")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
}

/** Levenshtein distance, bounded: gives up (returns max + 1) once the distance must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Same brand: equal once normalised, or one normalised name is a whole-word prefix of the other ("ge" / "ge profile"). */
export function brandsMatch(a: string, b: string): boolean {
  const x = normalizeBrand(a);
  const y = normalizeBrand(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return long.startsWith(`${short} `) || (short.length >= 5 && editDistance(x, y, 1) <= 1);
}

/**
 * Same model, allowing for how model numbers are written in recall notices:
 * - equal once normalised (punctuation and spaces ignored);
 * - a recall pattern with wildcards ("WDT730*", "WDT730xx" with lower-case x as the placeholder makers use)
 *   covers a family of models;
 * - a normalised model of 6+ characters that starts the other (a recall naming "WDT730PAH" covers the
 *   colour variant "WDT730PAHZ0");
 * - one typo (edit distance 1) in models of 8+ characters.
 * Short models ("X1") must match exactly: they would match too much otherwise.
 */
export function modelsMatch(applianceModel: string, recallModel: string): boolean {
  const wildcard = /[*?]|x{2,}$/.test(recallModel.trim());
  if (wildcard) {
    const prefix = normalizeModel(
      recallModel
        .trim()
        .replace(/x{2,}$/, "")
        .replace(/[*?].*$/, ""),
    );
    return prefix.length >= 3 && normalizeModel(applianceModel).startsWith(prefix);
  }
  const a = normalizeModel(applianceModel);
  const r = normalizeModel(recallModel);
  if (!a || !r) return false;
  if (a === r) return true;
  const [short, long] = a.length <= r.length ? [a, r] : [r, a];
  if (short.length >= 6 && long.startsWith(short) && long.length - short.length <= 3) return true;
  return short.length >= 8 && editDistance(a, r, 1) <= 1;
}

/** Model numbers written in free text ("Model numbers WDT730PAH, WDT730PAHZ and WDF520-PADM are included"). */
export function modelsInText(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b[A-Z0-9][A-Z0-9\-./]{3,}[A-Z0-9*]\b\*?/gi)) {
    const token = m[0];
    // A model number has both letters and digits; plain words and years do not.
    if (/[0-9]/.test(token) && /[A-Za-z]/.test(token)) found.add(token);
  }
  return [...found];
}

/** Text as a run of lower-case words: accents and punctuation gone ("A.O. Smith®" → "ao smith"). */
function plainWords(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\.(?=[a-z0-9])/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Whether a brand is named in free text as whole words ("Whirlpool" in "... Whirlpool-branded dishwashers"). */
export function brandInText(brand: string, text: string): boolean {
  const name = normalizeBrand(brand);
  if (name.length < 2) return false;
  return ` ${plainWords(text)} `.includes(` ${name} `);
}

/** What a recall notice says about the products it covers (see packages/jobs recall sources). */
export interface RecallCoverage {
  /** Firm names: manufacturers, importers, distributors, the firm named in the title. */
  firms: readonly string[];
  /** Model numbers and model patterns named by the notice. */
  models: readonly string[];
  /** Title, product names and descriptions, where a brand may be named. */
  text: string;
}

/**
 * Whether a recall covers an appliance: the same brand (a firm of the notice, or named in its text) AND the
 * same model (see modelsMatch). An appliance without a brand or a model never matches: a brand alone would
 * raise every recall of a large maker.
 */
export function recallCovers(
  appliance: { brand: string | null; model: string | null },
  recall: RecallCoverage,
): boolean {
  const { brand, model } = appliance;
  if (!brand?.trim() || !model?.trim()) return false;
  if (!recall.models.some((m) => modelsMatch(model, m))) return false;
  return recall.firms.some((firm) => brandsMatch(brand, firm)) || brandInText(brand, recall.text);
}
