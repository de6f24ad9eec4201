import Link from "next/link";
import { strings } from "../strings.ts";

/** The residence's screens: its list, its contractors, its documents, its appliances, its members. */
export function ResidenceNav({
  residenceId,
  current,
}: {
  residenceId: string;
  current: "list" | "contractors" | "documents" | "appliances" | "members";
}) {
  const t = strings.residenceNav;
  const links = [
    ["list", `/residences/${residenceId}`, t.list],
    ["contractors", `/residences/${residenceId}/contractors`, t.contractors],
    ["documents", `/residences/${residenceId}/documents`, t.documents],
    ["appliances", `/residences/${residenceId}/appliances`, t.appliances],
    ["members", `/residences/${residenceId}/members`, t.members],
  ] as const;
  return (
    <nav aria-label={t.label} className="residence-nav">
      {links.map(([key, href, label]) => (
        <Link key={key} href={href} aria-current={key === current ? "page" : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
