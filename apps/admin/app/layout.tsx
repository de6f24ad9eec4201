import "@mantine/core/styles.css";
import "@mantine/charts/styles.css";
import "@honeydue/ui/styles.css";
import { theme } from "@honeydue/ui";
import { MantineProvider } from "@mantine/core";
import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: { default: "honeyDue admin", template: "%s · honeyDue admin" } };
// Every page depends on the session and carries a per-request CSP nonce: nothing is prerendered.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" data-mantine-color-scheme="light">
      <body>
        <MantineProvider theme={theme} defaultColorScheme="light">
          {children}
        </MantineProvider>
      </body>
    </html>
  );
}
