import Link from "next/link";
import { strings } from "../strings.ts";

interface Hit {
  type: "task" | "contractor" | "document" | "appliance";
  id: string;
  title: string;
  headline: string;
}

/** The API marks matches as <mark>; everything else of a headline arrives HTML-escaped and stays text here. */
function Headline({ html }: { html: string }) {
  const parts = html.split(/(<mark>.*?<\/mark>)/g);
  const unescapeHtml = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith("<mark>") ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <mark key={i}>{unescapeHtml(part.slice(6, -7))}</mark>
        ) : (
          unescapeHtml(part)
        ),
      )}
    </>
  );
}

/** Where a hit opens in the web app. */
function hitHref(residenceId: string, hit: Hit): string {
  if (hit.type === "task") return `/tasks/${hit.id}`;
  return `/residences/${residenceId}/${hit.type}s/${hit.id}`;
}

/** Full-text hits over the residence's tasks, contractors, documents and appliances, best first. */
export function SearchResults({ residenceId, q, hits }: { residenceId: string; q: string; hits: Hit[] }) {
  const t = strings.filters;
  return (
    <section aria-labelledby="search-results">
      <h2 id="search-results">{t.results(q)}</h2>
      {hits.length === 0 ? <p>{t.noResults}</p> : null}
      <ul className="search-hits">
        {hits.map((hit) => {
          const href = hitHref(residenceId, hit);
          return (
            <li key={`${hit.type}-${hit.id}`} className="card">
              <span className="hint">{t.hitTypes[hit.type]}</span> <Link href={href}>{hit.title}</Link>
              <p className="hint">
                <Headline html={hit.headline} />
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
