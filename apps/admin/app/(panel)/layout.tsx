import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import { requireSession } from "@/lib/api";

export default async function PanelLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return <Shell session={session}>{children}</Shell>;
}
