import type { Metadata } from "next";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.privacy.title };

export default function Page() {
  return (
    <article className="prose">
      <h1>{strings.privacy.title}</h1>
      {strings.privacy.paragraphs.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </article>
  );
}
