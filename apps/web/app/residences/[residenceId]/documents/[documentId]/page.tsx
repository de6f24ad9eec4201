import "../../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { DocumentForm } from "../../../../../src/components/document-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { formatDay, formatMoney } from "../../../../../src/lib/format.ts";
import { residenceContext } from "../../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.documents.title };

/** A document: its file, dates and amount, and an edit form (a new file replaces the old one). */
export default async function DocumentPage({
  params,
}: {
  params: Promise<{ residenceId: string; documentId: string }>;
}) {
  const { residenceId, documentId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/documents/${documentId}`);
  const [context, document] = await Promise.all([
    residenceContext(api, residenceId),
    api.GET("/v1/documents/{documentId}", { params: { path: { documentId } } }),
  ]);
  if (!document.data) {
    if (document.response.status < 500) notFound();
    console.error(`document page: API answered ${document.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  if (document.data.residenceId !== residenceId) notFound();
  const { locale, residence, canEdit } = context;
  const d = document.data;
  const t = strings.documents;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <article>
      <p>
        <Link href={`/residences/${residenceId}/documents`}>{t.back}</Link>
      </p>
      <h1>{d.title}</h1>
      <dl className="facts">
        <div>
          <dt>{t.kind}</dt>
          <dd>{t.kinds[d.kind]}</dd>
        </div>
        {d.purchaseOn ? (
          <div>
            <dt>{t.purchaseOn}</dt>
            <dd>{formatDay(d.purchaseOn, locale)}</dd>
          </div>
        ) : null}
        {d.expiresOn ? (
          <div>
            <dt>{t.expiresOn}</dt>
            <dd className={d.expiresOn < today ? "expired" : undefined}>
              {(d.expiresOn < today ? t.expired : t.expires)(formatDay(d.expiresOn, locale))}
            </dd>
          </div>
        ) : null}
        {d.amountCents !== null ? (
          <div>
            <dt>{t.amount}</dt>
            <dd>{formatMoney(d.amountCents, locale, residence.currency)}</dd>
          </div>
        ) : null}
        {d.task ? (
          <div>
            <dt>{strings.tasks.title}</dt>
            <dd>
              <Link href={`/tasks/${d.task.id}`}>{d.task.title}</Link>
            </dd>
          </div>
        ) : null}
      </dl>
      <p>{d.fileId ? <a href={`/files/${d.fileId}`}>{t.openFile}</a> : t.noFile}</p>
      {d.notes ? <p className="notes">{d.notes}</p> : null}
      {canEdit ? (
        <section aria-labelledby="edit-document" className="wide-form">
          <h2 id="edit-document">{strings.contractors.edit}</h2>
          <DocumentForm
            residenceId={residenceId}
            locale={locale}
            currency={residence.currency}
            document={d}
          />
        </section>
      ) : null}
    </article>
  );
}
