import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { createReportLink, revokeReportLink } from "../../../../src/actions/handover.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { ReportLinkForm } from "../../../../src/components/report-link-form.tsx";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatCount, formatInstant } from "../../../../src/lib/format.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.residenceNav.history };

/**
 * The home history report: everyone downloads it; members and owners share it by links that work without an
 * account, see how often each was opened, and revoke them.
 */
export default async function HomeHistory({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const here = `/residences/${residenceId}/history`;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=${here}`);
  const path = { residenceId };
  const [me, residence, links] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/report-links", { params: { path } }),
  ]);
  if (me.response.status === 401) redirect(`/sign-in?next=${here}`);
  if (residence.response.status === 404 || residence.response.status === 400) notFound();
  if (!me.data || !residence.data || !links.data) {
    console.error(`home history page: API answered ${residence.response.status}/${links.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.homeHistory;
  const locale = me.data.locale || "en";
  const when = (iso: string) => formatInstant(iso, locale, me.data.timezone);
  const canShare = residence.data.role !== "viewer";
  return (
    <section className="wide-form">
      <h1>{t.title(residence.data.name)}</h1>
      <ResidenceNav residenceId={residenceId} current="history" />
      <p className="lead">{t.lead}</p>
      <p className="actions">
        <a className="button primary" href={`/residences/${residenceId}/home-history.pdf`} download>
          {t.download}
        </a>
        <span className="hint">{t.downloadHint}</span>
      </p>

      <section aria-labelledby="share">
        <h2 id="share">{t.shareTitle}</h2>
        <p>{t.shareLead}</p>
        {canShare ? (
          <ReportLinkForm action={createReportLink} residenceId={residenceId} />
        ) : (
          <p className="hint">{t.viewersOnly}</p>
        )}
      </section>

      <section aria-labelledby="links">
        <h2 id="links">{t.linksTitle}</h2>
        {links.data.items.length === 0 ? <p>{t.noLinks}</p> : null}
        <ul className="table-list" aria-labelledby="links">
          {links.data.items.map((l) => {
            const name = l.label ?? t.unlabelled;
            return (
              <li key={l.id} className="card">
                <h3 className="notes">
                  {name} <span className="tag">{t.states[l.state]}</span>
                </h3>
                <p className="hint">
                  {l.state === "revoked" && l.revokedAt
                    ? t.revokedOn(when(l.revokedAt))
                    : l.state === "expired"
                      ? t.expiredOn(when(l.expiresAt))
                      : t.until(when(l.expiresAt))}
                </p>
                <p className="hint">
                  {t.views(formatCount(l.viewCount, locale), l.lastViewedAt ? when(l.lastViewedAt) : null)}
                </p>
                {l.createdBy ? <p className="hint">{t.madeBy(l.createdBy.name, when(l.createdAt))}</p> : null}
                {canShare && l.state === "active" ? (
                  <ActionForm action={revokeReportLink} submit={t.revoke(name)} secondary>
                    <input type="hidden" name="residenceId" value={residenceId} />
                    <input type="hidden" name="reportLinkId" value={l.id} />
                  </ActionForm>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
    </section>
  );
}
