import type { Metadata } from "next";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.terms.title };

export default function Page() {
  return (
    <article className="prose">
      <h1>{strings.terms.title}</h1>
      {strings.terms.paragraphs.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </article>
  );
}
