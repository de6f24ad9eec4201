import "./globals.css";
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { OfflineSync } from "../src/components/offline-sync.tsx";
import { SiteHeader } from "../src/components/site-header.tsx";
import { hasSession } from "../src/lib/api.ts";
import { strings } from "../src/strings.ts";

export const metadata: Metadata = {
  title: { default: `${strings.appName} — ${strings.tagline}`, template: `%s · ${strings.appName}` },
  description: strings.landing.lead,
};
export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#f5b700" };
// Every page carries a per-request CSP nonce and may depend on the session: nothing is prerendered.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SiteHeader />
        <main id="main">
          <OfflineSync signedIn={await hasSession()} />
          {children}
        </main>
        <footer className="site-footer">
          <span>{strings.footer(new Date().getFullYear())}</span>
          <Link href="/privacy">{strings.nav.privacy}</Link>
          <Link href="/terms">{strings.nav.terms}</Link>
        </footer>
      </body>
    </html>
  );
}
