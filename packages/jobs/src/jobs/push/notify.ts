import { memberships, notifications, type Queryable, residences, users } from "@honeydue/db";
import type { EmailJob } from "@honeydue/email";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { enqueueJob } from "../../runtime/outbox.ts";

export type NotificationKind =
  | "task.assigned"
  | "task.completed"
  | "task.due_today"
  | "task.escalated"
  | "invite.accepted"
  | "warranty.expiring"
  | "appliance.recalled"
  | "handoff.proposed";

export interface NotifyInput {
  userId: string;
  kind: NotificationKind;
  title: string;
  body?: string;
  residenceId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  data?: Record<string, string>;
  /** The same (user, dedupeKey) is notified once, e.g. `task.assigned:<taskId>:<assigneeId>:<version>`. */
  dedupeKey?: string;
  /** Also push it to the user's devices (when push is enabled for them). Default true. */
  push?: boolean;
}

/**
 * Kinds that also go out as a push (product: due today, assigned to you, completed by someone else, an
 * overdue task escalated to you, an appliance of yours is recalled, a contractor marked work done for you to decide).
 */
const PUSHED: ReadonlySet<NotificationKind> = new Set([
  "task.assigned",
  "task.completed",
  "task.due_today",
  "task.escalated",
  "appliance.recalled",
  "handoff.proposed",
]);

/**
 * Adds an in-app notification and, for the pushed kinds, a `push.send` job. Call it inside the
 * transaction of the change that causes it (with the change's `enqueueJob`s), then `notifyOutbox()`.
 * Returns the notification id, or null when the dedupe key was already used.
 */
export async function notify(tx: Queryable, input: NotifyInput): Promise<string | null> {
  const [row] = await tx
    .insert(notifications)
    .values({
      userId: input.userId,
      kind: input.kind,
      title: input.title,
      body: input.body ?? "",
      residenceId: input.residenceId ?? null,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      data: input.data ?? {},
      dedupeKey: input.dedupeKey ?? null,
    })
    .onConflictDoNothing({
      target: [notifications.userId, notifications.dedupeKey],
      where: sql`dedupe_key IS NOT NULL`,
    })
    .returning({ id: notifications.id });
  if (!row) return null;
  if ((input.push ?? true) && PUSHED.has(input.kind)) {
    await enqueueJob(tx, "push.send", {
      userId: input.userId,
      kind: input.kind,
      title: input.title,
      body: input.body ?? "",
      data: {
        notificationId: row.id,
        kind: input.kind,
        ...(input.residenceId ? { residenceId: input.residenceId } : {}),
        ...(input.subjectId ? { subjectId: input.subjectId } : {}),
        ...input.data,
      },
    });
  }
  return row.id;
}

/** A member a reminder goes to; reminder emails go to those with the digest switch on and a verified address. */
interface ReminderRecipient {
  id: string;
  digest_enabled: boolean;
  verified: boolean;
}

/**
 * Who acts on a residence's reminders (a recall, a contractor's proposed completion): its owners and
 * members (a viewer only reads), not disabled, each as `remind` takes them and with the residence's name.
 */
export function actingMembersOf(tx: Queryable, residenceId: string) {
  return tx
    .select({
      id: users.id,
      digest_enabled: users.digestEnabled,
      verified: sql<boolean>`${users.emailVerifiedAt} IS NOT NULL`,
      residenceName: residences.name,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(residences, eq(residences.id, memberships.residenceId))
    .where(
      and(eq(memberships.residenceId, residenceId), ne(memberships.role, "viewer"), isNull(users.disabledAt)),
    )
    .orderBy(asc(users.id));
}

/**
 * A reminder (warranty, escalation, recall, a contractor's proposed completion): an in-app notification (pushed by kind) to the member and, when
 * they take reminder emails, the email too — ids and names only: the address, the links and the unsubscribe
 * link are made at delivery. Same transaction rules as `notify`.
 */
export async function remind(
  tx: Queryable,
  to: ReminderRecipient,
  notification: Omit<NotifyInput, "userId">,
  email: EmailJob,
): Promise<void> {
  await notify(tx, { ...notification, userId: to.id });
  if (to.digest_enabled && to.verified) await enqueueJob(tx, "email.send", email);
}
