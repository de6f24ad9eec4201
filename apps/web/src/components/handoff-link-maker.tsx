"use client";
import { useActionState } from "react";
import type { HandoffLinkState } from "../actions/handoff.ts";
import { strings } from "../strings.ts";
import { ErrorNotice } from "./action-form.tsx";
import { CopyableLink } from "./copyable-link.tsx";

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
  const url = state?.url ?? "";
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
        <ErrorNotice error={state?.error} />
        <button type="submit" className="primary" disabled={pending} aria-busy={pending}>
          {t.create}
        </button>
      </form>
      {url ? (
        <div className="field notice success">
          <CopyableLink id="handoff-url" label={t.linkLabel} url={url} hint={t.shownOnce} words={t} />
        </div>
      ) : null}
    </div>
  );
}
