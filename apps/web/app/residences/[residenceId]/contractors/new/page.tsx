import "../../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ContractorForm } from "../../../../../src/components/contractor-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { residenceContext } from "../../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.contractors.add };

export default async function NewContractor({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/contractors/new`);
  const { canEdit } = await residenceContext(api, residenceId);
  if (!canEdit) notFound();
  return (
    <section className="wide-form">
      <p>
        <Link href={`/residences/${residenceId}/contractors`}>{strings.contractors.back}</Link>
      </p>
      <h1>{strings.contractors.add}</h1>
      <ContractorForm residenceId={residenceId} />
    </section>
  );
}
