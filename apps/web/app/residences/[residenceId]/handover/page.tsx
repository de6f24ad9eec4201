import "../../../../src/styles/tasks.css";
import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { offerHandover, withdrawHandover } from "../../../../src/actions/handover.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { Field } from "../../../../src/components/field.tsx";
import { TextAreaField } from "../../../../src/components/inputs.tsx";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatInstant } from "../../../../src/lib/format.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.residenceNav.handover };

const KEEP = ["tasks", "log", "documents", "contractors"] as const;

/**
 * Handing the home over: owners offer it to a new owner by email, choose what their household keeps a copy
 * of, see the waiting offer and withdraw it. Everyone else reads what a hand-over does.
 */
export default async function Handover({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const here = `/residences/${residenceId}/handover`;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=${here}`);
  const path = { residenceId };
  const [me, residence] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
  ]);
  if (me.response.status === 401) redirect(`/sign-in?next=${here}`);
  if (residence.response.status === 404 || residence.response.status === 400) notFound();
  if (!me.data || !residence.data) {
    console.error(`handover page: API answered ${me.response.status}/${residence.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const owner = residence.data.role === "owner";
  // The offers (with the new owner's address) are the owners' to see.
  const offers = owner ? await api.GET("/v1/residences/{residenceId}/handovers", { params: { path } }) : null;
  if (offers && !offers.data) {
    console.error(`handover page: offers answered ${offers.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.handover;
  const locale = me.data.locale || "en";
  const when = (iso: string) => formatInstant(iso, locale, me.data.timezone);
  const items = offers?.data?.items ?? [];
  const open = items.filter((o) => o.state === "open");
  const past = items.filter((o) => o.state !== "open");
  const keeps = (keep: readonly (typeof KEEP)[number][]) =>
    keep.length === 0
      ? t.keepsNothing
      : t.keeps(
          KEEP.filter((k) => keep.includes(k))
            .map((k) => t.keep[k].toLowerCase())
            .join("; "),
        );
  return (
    <section className="wide-form">
      <h1>{t.title(residence.data.name)}</h1>
      <ResidenceNav residenceId={residenceId} current="handover" />
      <p className="lead">{t.lead}</p>
      <section aria-labelledby="what-happens">
        <h2 id="what-happens">{t.whatHappens}</h2>
        <ul>
          {t.happens.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>

      {owner ? (
        <>
          <section aria-labelledby="pending">
            <h2 id="pending">{t.pendingTitle}</h2>
            {open.length === 0 ? <p>{t.noPending}</p> : null}
            <ul className="table-list" aria-labelledby="pending">
              {open.map((o) => (
                <li key={o.id} className="card">
                  <h3 className="notes">{t.offeredTo(o.email)}</h3>
                  <p className="hint">{t.openUntil(when(o.expiresAt))}</p>
                  <p className="hint">{keeps(o.keep)}</p>
                  {o.message ? <p className="notes">“{o.message}”</p> : null}
                  <ActionForm action={withdrawHandover} submit={t.withdraw(o.email)} secondary>
                    <input type="hidden" name="residenceId" value={residenceId} />
                    <input type="hidden" name="handoverId" value={o.id} />
                  </ActionForm>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="offer">
            <h2 id="offer">{t.offerTitle}</h2>
            {open.length > 0 ? <p className="hint">{t.replaces}</p> : null}
            <ActionForm action={offerHandover} submit={t.offer} resetOnSuccess>
              <input type="hidden" name="residenceId" value={residenceId} />
              <input type="hidden" name="idempotencyKey" value={randomUUID()} />
              <Field label={t.email} hint={t.emailHint} name="email" type="email" required />
              <fieldset className="stack">
                <legend>{t.keepLegend}</legend>
                {KEEP.map((k) => (
                  <label key={k} className="check">
                    <input type="checkbox" name="keep" value={k} /> {t.keep[k]}
                  </label>
                ))}
                <p className="hint">{t.keepHint}</p>
              </fieldset>
              <TextAreaField label={t.message} name="message" maxLength={2000} rows={3} />
            </ActionForm>
          </section>
          {past.length > 0 ? (
            <section aria-labelledby="past">
              <h2 id="past">{t.pastTitle}</h2>
              <ul className="table-list" aria-labelledby="past">
                {past.map((o) => (
                  <li key={o.id} className="card">
                    <h3 className="notes">
                      {t.offeredTo(o.email)} <span className="tag">{t.states[o.state]}</span>
                    </h3>
                    <p className="hint">{when(o.acceptedAt ?? o.createdAt)}</p>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : (
        <p className="hint">{t.ownersOnly}</p>
      )}
    </section>
  );
}
