import "../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { markNotificationsRead } from "../../src/actions/notifications.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { memberApi } from "../../src/lib/api.ts";
import { formatCount, formatInstant } from "../../src/lib/format.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.notifications.title };

const PAGE = 25;

/** Where a notification leads: its task (a contractor's proposal: its part of the page), or the residence's list. */
function subjectLink(n: {
  kind: string;
  subjectType: string | null;
  subjectId: string | null;
  residenceId: string | null;
}) {
  if (n.subjectType === "task" && n.subjectId)
    return `/tasks/${n.subjectId}${n.kind === "handoff.proposed" ? "#handoff" : ""}`;
  return n.residenceId ? `/residences/${n.residenceId}` : null;
}

/** The member's notifications, newest first, 25 a page; each unread one can be marked read, or all at once. */
export default async function Notifications({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { cursor } = await searchParams;
  const api = await memberApi();
  if (!api) redirect("/sign-in?next=/notifications");
  const [me, list] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/notifications", {
      params: { query: { limit: PAGE, ...(typeof cursor === "string" && cursor ? { cursor } : {}) } },
    }),
  ]);
  if (me.response.status === 401) redirect("/sign-in?next=/notifications");
  if (list.response.status === 400) redirect("/notifications");
  if (!me.data || !list.data) {
    console.error(`notifications page: API answered ${me.response.status}/${list.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.notifications;
  const locale = me.data.locale || "en";
  const { items, unreadCount, nextCursor } = list.data;
  return (
    <section className="wide-form">
      <h1>{t.title}</h1>
      <p>{t.unreadCount(formatCount(unreadCount, locale))}</p>
      {unreadCount > 0 ? (
        <ActionForm action={markNotificationsRead} submit={t.markAllRead} secondary />
      ) : null}
      {items.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="table-list">
        {items.map((n) => {
          const href = subjectLink(n);
          return (
            <li key={n.id} className={n.readAt ? "card" : "card unread"}>
              <h2>
                {n.readAt ? null : <span className="tag">{t.unread}</span>} {n.title}
              </h2>
              <p className="notes">{n.body}</p>
              <p className="hint">
                {formatInstant(n.createdAt, locale, me.data.timezone)}
                {href ? (
                  <>
                    {" · "}
                    <Link href={href}>{t.open}</Link>
                  </>
                ) : null}
              </p>
              {n.readAt ? null : (
                <ActionForm action={markNotificationsRead} submit={t.markRead(n.title)} secondary>
                  <input type="hidden" name="id" value={n.id} />
                </ActionForm>
              )}
            </li>
          );
        })}
      </ul>
      <p className="actions">
        {cursor ? <Link href="/notifications">{t.newest}</Link> : null}
        {nextCursor ? (
          <Link href={`/notifications?cursor=${encodeURIComponent(nextCursor)}`}>{t.older}</Link>
        ) : null}
      </p>
    </section>
  );
}
