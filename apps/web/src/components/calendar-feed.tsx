"use client";
import { useActionState } from "react";
import type { CalendarFeedState } from "../actions/account.ts";
import { strings } from "../strings.ts";
import { ErrorNotice } from "./action-form.tsx";
import { CopyableLink } from "./copyable-link.tsx";

/**
 * The private calendar link: made (or made anew, which turns the old one off) and shown once, with a copy
 * button; or turned off. The API keeps only the link's hash, so a later visit says since when a link is on
 * (`madeAt`, null when none is) and offers a new link instead.
 */
export function CalendarFeed({
  action,
  madeAt,
}: {
  action: (state: CalendarFeedState, data: FormData) => Promise<CalendarFeedState>;
  madeAt: string | null;
}) {
  const t = strings.account;
  const [state, formAction, pending] = useActionState(action, undefined);
  const url = state?.url ?? "";
  return (
    <div className="stack">
      <p>{madeAt ? t.calendarOn(madeAt) : t.calendarOff}</p>
      {url ? (
        <div className="field">
          <CopyableLink id="calendar-url" label={t.calendarUrl} url={url} words={t} />
        </div>
      ) : null}
      <ErrorNotice error={state?.error} />
      {state?.message ? (
        <p role="status" className="notice success">
          {state.message}
        </p>
      ) : null}
      <form action={formAction} className="actions">
        <button type="submit" name="intent" value="make" className="primary" disabled={pending}>
          {url || madeAt ? t.calendarRegenerate : t.calendarCreate}
        </button>
        {madeAt ? (
          <button type="submit" name="intent" value="revoke" disabled={pending}>
            {t.calendarRevoke}
          </button>
        ) : null}
      </form>
    </div>
  );
}
