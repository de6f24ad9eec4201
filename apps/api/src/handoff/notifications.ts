import type { Queryable } from "@honeydue/db";
import { actingMembersOf, remind } from "@honeydue/jobs";

/**
 * A contractor marked the work of a hand-off link done: everyone who can accept or reject it (owners and
 * members, not viewers) is told in the app (and by push), and by email when they take reminder emails and
 * their address is verified — the unsubscribe link of reminder emails stops these too. Once per link.
 */
export async function notifyHandoffProposed(
  tx: Queryable,
  e: {
    handoffLinkId: string;
    residenceId: string;
    taskId: string;
    taskTitle: string;
    contractorName: string;
  },
): Promise<void> {
  const deciders = await actingMembersOf(tx, e.residenceId);
  for (const member of deciders) {
    await remind(
      tx,
      member,
      {
        kind: "handoff.proposed",
        title: `${e.contractorName} marked “${e.taskTitle}” done`,
        body: `${member.residenceName}: accept or reject what they sent`,
        residenceId: e.residenceId,
        subjectType: "task",
        subjectId: e.taskId,
        data: { handoffLinkId: e.handoffLinkId },
        dedupeKey: `handoff.proposed:${e.handoffLinkId}`,
      },
      { template: "handoff-proposed", userId: member.id, handoffLinkId: e.handoffLinkId },
    );
  }
}
