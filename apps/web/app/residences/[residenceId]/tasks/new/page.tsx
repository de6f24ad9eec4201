import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { TaskForm } from "../../../../../src/components/task-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { meterChoices, residenceContext } from "../../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.taskForm.newTitle };

export default async function NewTask({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/tasks/new`);
  const [context, meters] = await Promise.all([
    residenceContext(api, residenceId),
    meterChoices(api, residenceId),
  ]);
  if (!context.canEdit) notFound();
  return (
    <section className="narrow-left wide-form">
      <p>
        <Link href={`/residences/${residenceId}`}>{strings.taskDetail.back(context.residence.name)}</Link>
      </p>
      <h1>{strings.taskForm.newTitle}</h1>
      <TaskForm context={context} meters={meters} />
    </section>
  );
}
