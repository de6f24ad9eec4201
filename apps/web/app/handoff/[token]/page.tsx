import "../../../src/styles/tasks.css";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { submitHandoffWork } from "../../../src/actions/handoff.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { Field } from "../../../src/components/field.tsx";
import { TextAreaField } from "../../../src/components/inputs.tsx";
import { problemDetail, publicApi } from "../../../src/lib/api.ts";
import { formatInstant, formatMoney } from "../../../src/lib/format.ts";
import { linkRefusal, preferredLocale } from "../../../src/lib/handoff.ts";
import { strings } from "../../../src/strings.ts";

// The link's secret is in this page's address: proxy.ts sends it with Referrer-Policy: no-referrer,
// X-Robots-Tag: noindex and no-store, the CSP allows nothing but this origin, and nothing here logs it.
export const metadata: Metadata = {
  title: strings.contractorPage.title,
  robots: { index: false, follow: false, nocache: true },
  referrer: "no-referrer",
};

/**
 * The contractor's page of a hand-off link (no account): the one task — its title, notes and, when the
 * member chose so, the address — and the form to send the invoice and photos and mark the work done. An
 * unknown, withdrawn, expired or used link says so and shows nothing else.
 */
export default async function ContractorPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = strings.contractorPage;
  const locale = preferredLocale((await headers()).get("accept-language"));
  const {
    data: view,
    error,
    response,
  } = await publicApi().GET("/v1/handoff/{token}", {
    params: { path: { token } },
  });
  if (!view) {
    const refusal = linkRefusal(response.status, problemDetail(error));
    if (!refusal) console.error(`contractor page: API answered ${response.status}`);
    return (
      <section className="narrow">
        <h1>{response.status === 404 || response.status === 410 ? t.gone : t.title}</h1>
        <p className="notice error">{refusal ?? strings.errors.unreachable}</p>
      </section>
    );
  }
  // The contractor's time zone is not known here: the instant is given in UTC, and says so.
  const when = (iso: string) => `${formatInstant(iso, locale, "UTC")} UTC`;
  const currency = new Intl.DisplayNames(locale, { type: "currency" }).of(view.currency) ?? view.currency;
  const today = new Date().toISOString().slice(0, 10);
  const sent =
    view.files.length > 0 ? (
      <section aria-labelledby="sent">
        <h2 id="sent">{t.sent}</h2>
        <ul>
          {view.files.map((f) => (
            <li key={f.id}>
              {f.kind === "invoice" ? t.invoiceFile(f.filename ?? "") : t.photoFile(f.filename ?? "")}
            </li>
          ))}
        </ul>
      </section>
    ) : null;
  return (
    <article className="narrow contractor-page">
      <h1>{view.state === "submitted" ? t.submittedTitle : t.title}</h1>
      <p className="hint">{t.privacy}</p>
      <section aria-labelledby="work" className="card">
        <h2 id="work">{view.task.title}</h2>
        {view.task.notes ? (
          <>
            <h3>{t.notes}</h3>
            <p className="notes">{view.task.notes}</p>
          </>
        ) : null}
        {view.address ? (
          <>
            <h3>{t.address}</h3>
            <p className="notes">{view.address}</p>
          </>
        ) : null}
      </section>
      {view.state === "submitted" ? (
        <>
          <p role="status" className="notice success">
            {t.submitted}
          </p>
          {sent}
        </>
      ) : (
        <>
          <p>{t.until(when(view.expiresAt))}</p>
          {sent}
          <section aria-labelledby="done-form">
            <h2 id="done-form">{t.formTitle}</h2>
            <ActionForm action={submitHandoffWork} submit={t.submit} done={null}>
              <input type="hidden" name="token" value={token} />
              <input type="hidden" name="locale" value={locale} />
              <input type="hidden" name="maxPhotos" value={view.maxPhotos} />
              <Field label={t.name} name="contractorName" required maxLength={200} autoComplete="name" />
              <Field label={t.company} name="company" maxLength={200} autoComplete="organization" />
              <Field label={t.phone} name="phone" type="tel" maxLength={50} autoComplete="tel" />
              <Field label={t.email} name="email" type="email" maxLength={254} autoComplete="email" />
              <Field label={t.completedOn} name="completedOn" type="date" max={today} defaultValue={today} />
              <Field
                label={t.amount(currency)}
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                hint={t.amountHint(formatMoney(18_500, locale, view.currency))}
              />
              <Field
                label={t.invoice}
                name="invoice"
                type="file"
                accept="application/pdf,image/*"
                hint={t.invoiceHint}
              />
              <Field
                label={t.photos}
                name="photos"
                type="file"
                accept="image/*"
                multiple
                hint={t.photosHint(view.maxPhotos)}
              />
              <TextAreaField label={t.note} name="note" maxLength={4000} />
            </ActionForm>
          </section>
        </>
      )}
    </article>
  );
}
