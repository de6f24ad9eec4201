import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { saveEscalationPolicy } from "../../../../src/actions/meters.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { residenceContext } from "../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.escalation.title };

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
/** Rows of the form (as many as the action reads). */
const ROWS = ["row-1", "row-2", "row-3"] as const;

/** A residence's escalation policy: everyone sees it, owners change it. */
export default async function Escalation({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/escalation`);
  const { residence, members } = await residenceContext(api, residenceId);
  const policy = await api.GET("/v1/residences/{residenceId}/escalation-policy", {
    params: { path: { residenceId } },
  });
  if (!policy.data) {
    console.error(`escalation policy: API answered ${policy.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.escalation;
  const isOwner = residence.role === "owner";
  const nameOf = (id: string | undefined) => members.find((m) => m.userId === id)?.name ?? "?";
  const who = (s: { notify: string; memberId?: string }) =>
    s.notify === "member" ? t.member(nameOf(s.memberId)) : t.targets[s.notify as "assignee" | "owners"];
  const targets: [string, string][] = [
    ["", t.none],
    ["assignee", t.targets.assignee],
    ["owners", t.targets.owners],
    ...members
      .filter((m) => m.role !== "viewer")
      .map((m) => [`member:${m.userId}`, t.member(m.name)] as [string, string]),
  ];
  const steps = policy.data.steps;
  return (
    <section>
      <h1>{t.title}</h1>
      <ResidenceNav residenceId={residenceId} current="escalation" />
      <p className="lead">{t.lead}</p>
      <p>{policy.data.enabled && steps.length > 0 ? t.on : t.off}</p>
      {steps.length > 0 ? (
        <ol>
          {steps.map((s) => (
            <li key={`${s.notify}-${s.memberId ?? ""}-${JSON.stringify(s.afterDays)}`}>
              {t.summary(
                who(s),
                PRIORITIES.filter((p) => s.afterDays[p] !== null)
                  .map((p) => `${s.afterDays[p]} d (${t.priorities[p]})`)
                  .join(", "),
              )}
            </li>
          ))}
        </ol>
      ) : null}
      {isOwner ? (
        <ActionForm action={saveEscalationPolicy} submit={t.save}>
          <input type="hidden" name="residenceId" value={residenceId} />
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={policy.data.enabled} /> {t.enabled}
          </label>
          {ROWS.map((row, i) => {
            const step = steps[i];
            const current = step ? (step.notify === "member" ? `member:${step.memberId}` : step.notify) : "";
            return (
              <fieldset key={row} className="stack">
                <legend>{t.step(i + 1)}</legend>
                <div className="field">
                  <label htmlFor={`step${i}-notify`}>{t.notify}</label>
                  <select id={`step${i}-notify`} name={`step${i}.notify`} defaultValue={current}>
                    {targets.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="row four">
                  {PRIORITIES.map((p) => (
                    <div key={p} className="field">
                      <label htmlFor={`step${i}-${p}`}>{t.afterDays(t.priorities[p])}</label>
                      <input
                        id={`step${i}-${p}`}
                        name={`step${i}.${p}`}
                        inputMode="numeric"
                        defaultValue={step?.afterDays[p] ?? ""}
                        aria-describedby={`step${i}-hint`}
                      />
                    </div>
                  ))}
                </div>
                <p id={`step${i}-hint`} className="hint">
                  {t.afterDaysHint}
                </p>
              </fieldset>
            );
          })}
        </ActionForm>
      ) : (
        <p className="hint">{t.ownersOnly}</p>
      )}
    </section>
  );
}
