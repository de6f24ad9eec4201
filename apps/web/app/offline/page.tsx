import type { Metadata } from "next";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.offline.pageTitle };

/** Kept by the service worker when it installs; shown for a page this device never saw, without a network. */
export default function Offline() {
  const t = strings.offline;
  return (
    <section>
      <h1>{t.pageTitle}</h1>
      <p>{t.pageLead}</p>
      <p>
        {/* A full navigation on purpose: the service worker answers it with the kept page. */}
        <a href="/tasks">{t.pageLink}</a>
      </p>
    </section>
  );
}
