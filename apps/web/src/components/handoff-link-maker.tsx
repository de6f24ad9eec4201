"use client";
import { useActionState, useState } from "react";
import type { HandoffLinkState } from "../actions/handoff.ts";
import { strings } from "../strings.ts";

/**
 * Makes a contractor's hand-off link for one task and shows it once, with a copy button: the API keeps only
 * its hash. Options: show the address, how long it works, which of the household's contractors it is for.
 */
export function HandoffLinkMaker({
  action,
  taskId,
  contractors,
  defaultContractorId,
}: {
  action: (state: HandoffLinkState, data: FormData) => Promise<HandoffLinkState>;
  taskId: string;
  contractors: readonly (readonly [string, string])[];
  defaultContractorId: string;
}) {
  const t = strings.handoff;
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
      <form action={formAction} className="stack">
        <input type="hidden" name="taskId" value={taskId} />
        <label className="check">
          <input type="checkbox" name="showAddress" value="1" /> {t.showAddress}
        </label>
        <div className="field">
          <label htmlFor="handoff-expires">{t.expiresIn}</label>
          <select id="handoff-expires" name="expiresInDays" defaultValue="14">
            {[3, 7, 14, 30, 60].map((n) => (
              <option key={n} value={n}>
                {t.days(n)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="handoff-contractor">{t.contractor}</label>
          <select id="handoff-contractor" name="contractorId" defaultValue={defaultContractorId}>
            <option value="">{t.anyContractor}</option>
            {contractors.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        {state?.error ? (
          <p role="alert" className="notice error">
            {state.error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={pending} aria-busy={pending}>
          {t.create}
        </button>
      </form>
      {url ? (
        <div className="field notice success">
          <label htmlFor="handoff-url">{t.linkLabel}</label>
          <input id="handoff-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <p className="hint">{t.shownOnce}</p>
          <p className="actions">
            <button type="button" onClick={copy}>
              {t.copy}
            </button>
            <span role="status">{copied?.url === url ? copied.message : ""}</span>
          </p>
        </div>
      ) : null}
    </div>
  );
}
