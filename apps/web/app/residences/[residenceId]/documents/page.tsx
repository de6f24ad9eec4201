import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatDay } from "../../../../src/lib/format.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.documents.title };

const EXPIRING_DAYS = 90;

/** A residence's documents, soonest expiry first when only the expiring ones are asked for. */
export default async function Documents({
  params,
  searchParams,
}: {
  params: Promise<{ residenceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { residenceId } = await params;
  const expiring = (await searchParams).expiring === "1";
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/documents`);
  const path = { residenceId };
  const [me, residence, documents] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/documents", {
      params: { path, query: { limit: 100, ...(expiring ? { expiringWithinDays: EXPIRING_DAYS } : {}) } },
    }),
  ]);
  if (!me.data || !residence.data || !documents.data) {
    if (residence.response.status === 404 || residence.response.status === 400) notFound();
    console.error(`documents page: API answered ${residence.response.status}/${documents.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.documents;
  const locale = me.data.locale || "en";
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section>
      <h1>{t.title}</h1>
      <ResidenceNav residenceId={residenceId} current="documents" />
      <p className="lead">{t.lead}</p>
      <p className="actions">
        {residence.data.role !== "viewer" ? (
          <Link href={`/residences/${residenceId}/documents/new`} className="button">
            {t.add}
          </Link>
        ) : null}
        <Link href={`/residences/${residenceId}/documents${expiring ? "" : "?expiring=1"}`}>
          {expiring ? t.all : t.expiringOnly}
        </Link>
      </p>
      {documents.data.items.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="table-list">
        {documents.data.items.map((d) => (
          <li key={d.id} className="card">
            <h2>
              <Link href={`/residences/${residenceId}/documents/${d.id}`}>{d.title}</Link>
            </h2>
            <p className="hint">
              {t.kinds[d.kind]}
              {d.expiresOn ? (
                <>
                  {" · "}
                  <span className={d.expiresOn < today ? "expired" : undefined}>
                    {(d.expiresOn < today ? t.expired : t.expires)(formatDay(d.expiresOn, locale))}
                  </span>
                </>
              ) : null}
            </p>
            {d.fileId ? <a href={`/files/${d.fileId}`}>{t.openFile}</a> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
