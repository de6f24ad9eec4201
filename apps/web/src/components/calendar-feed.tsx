"use client";
import { useActionState, useState } from "react";
import type { CalendarFeedState } from "../actions/account.ts";
import { strings } from "../strings.ts";

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
  const [copied, setCopied] = useState<{ url: string; message: string }>();
  const url = state?.url ?? "";
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied({ url, message: t.copied });
    } catch {
      setCopied({ url, message: t.copyFailed });
    }
  };
  return (
    <div className="stack">
      <p>{madeAt ? t.calendarOn(madeAt) : t.calendarOff}</p>
      {url ? (
        <div className="field">
          <label htmlFor="calendar-url">{t.calendarUrl}</label>
          <input id="calendar-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <p className="actions">
            <button type="button" onClick={copy}>
              {t.copy}
            </button>
            <span role="status">{copied?.url === url ? copied.message : ""}</span>
          </p>
        </div>
      ) : null}
      {state?.error ? (
        <p role="alert" className="notice error">
          {state.error}
        </p>
      ) : null}
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
