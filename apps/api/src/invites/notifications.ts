import type { Queryable } from "@honeydue/db";
import { notify } from "@honeydue/jobs";

/** Someone accepted an invite: tell whoever sent it. */
export async function notifyInviteAccepted(
  tx: Queryable,
  e: {
    inviteId: string;
    residenceId: string;
    residenceName: string;
    invitedBy: string | null;
    memberName: string;
  },
): Promise<string | null> {
  if (!e.invitedBy) return null;
  return notify(tx, {
    userId: e.invitedBy,
    kind: "invite.accepted",
    title: `${e.memberName} joined ${e.residenceName}`,
    residenceId: e.residenceId,
    subjectType: "invite",
    subjectId: e.inviteId,
    dedupeKey: `invite.accepted:${e.inviteId}`,
  });
}
