import Link from "next/link";
import { strings } from "../strings.ts";

/** The residence's screens: its list, contractors, documents, appliances, members, meters, escalation policy, home history report and hand-over. */
export function ResidenceNav({
  residenceId,
  current,
}: {
  residenceId: string;
  current:
    | "list"
    | "contractors"
    | "documents"
    | "appliances"
    | "members"
    | "meters"
    | "escalation"
    | "history"
    | "handover";
}) {
  const t = strings.residenceNav;
  const links = [
    ["list", `/residences/${residenceId}`, t.list],
    ["contractors", `/residences/${residenceId}/contractors`, t.contractors],
    ["documents", `/residences/${residenceId}/documents`, t.documents],
    ["appliances", `/residences/${residenceId}/appliances`, t.appliances],
    ["members", `/residences/${residenceId}/members`, t.members],
    ["meters", `/residences/${residenceId}/meters`, t.meters],
    ["escalation", `/residences/${residenceId}/escalation`, t.escalation],
    ["history", `/residences/${residenceId}/history`, t.history],
    ["handover", `/residences/${residenceId}/handover`, t.handover],
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
