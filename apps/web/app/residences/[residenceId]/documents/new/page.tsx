import "../../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { DocumentForm } from "../../../../../src/components/document-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { residenceContext } from "../../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.documents.add };

export default async function NewDocument({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/documents/new`);
  const { canEdit, locale, residence } = await residenceContext(api, residenceId);
  if (!canEdit) notFound();
  return (
    <section className="wide-form">
      <p>
        <Link href={`/residences/${residenceId}/documents`}>{strings.documents.back}</Link>
      </p>
      <h1>{strings.documents.add}</h1>
      <DocumentForm residenceId={residenceId} locale={locale} currency={residence.currency} />
    </section>
  );
}
