"use client";
import { type FormEvent, startTransition, useActionState } from "react";
import type { ReportLinkState } from "../actions/handover.ts";
import { strings } from "../strings.ts";
import { ErrorNotice } from "./action-form.tsx";
import { CopyableLink } from "./copyable-link.tsx";

/**
 * Makes a share link of the home history report and shows it once, with a copy button: the API keeps only
 * the link's hash, so the list below the form shows the links without their address.
 */
export function ReportLinkForm({
  action,
  residenceId,
}: {
  action: (state: ReportLinkState, data: FormData) => Promise<ReportLinkState>;
  residenceId: string;
}) {
  const t = strings.homeHistory;
  const [state, formAction, pending] = useActionState(action, undefined);
  const url = state?.url ?? "";
  // Sent by hand so that the typed label stays after a refused number of days (React resets a form posted
  // through its `action` prop); without JavaScript the form still posts to the action.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  };
  return (
    <div className="stack">
      <form action={formAction} onSubmit={submit} className="stack">
        <input type="hidden" name="residenceId" value={residenceId} />
        <div className="field">
          <label htmlFor="report-label">{t.label}</label>
          <input id="report-label" name="label" maxLength={200} aria-describedby="report-label-hint" />
          <p id="report-label-hint" className="hint">
            {t.labelHint}
          </p>
        </div>
        <div className="field">
          <label htmlFor="report-days">{t.expiresInDays}</label>
          <input
            id="report-days"
            name="expiresInDays"
            inputMode="numeric"
            defaultValue="30"
            aria-describedby="report-days-hint"
          />
          <p id="report-days-hint" className="hint">
            {t.expiresHint}
          </p>
        </div>
        <ErrorNotice error={state?.error} />
        <button type="submit" className="primary" disabled={pending} aria-busy={pending}>
          {t.create}
        </button>
      </form>
      {url ? (
        <div className="field notice success">
          <p role="status">{t.made}</p>
          <CopyableLink id="report-url" label={t.url} url={url} words={t} />
        </div>
      ) : null}
    </div>
  );
}
