import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { archiveTask } from "../../../../src/actions/tasks.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { TaskForm } from "../../../../src/components/task-form.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import type { Recurrence } from "../../../../src/lib/recurrence.ts";
import { meterChoices, residenceContext } from "../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.taskDetail.edit };

export default async function EditTask({ params }: { params: Promise<{ taskId: string }> }) {
  const { taskId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/tasks/${taskId}/edit`);
  const task = await api.GET("/v1/tasks/{taskId}", { params: { path: { taskId } } });
  if (!task.data) {
    if (task.response.status < 500) notFound();
    console.error(`edit task page: API answered ${task.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const [context, meters] = await Promise.all([
    residenceContext(api, task.data.residenceId),
    meterChoices(api, task.data.residenceId),
  ]);
  if (!context.canEdit) notFound();
  return (
    <section className="narrow-left wide-form">
      <p>
        <Link href={`/tasks/${taskId}`}>{task.data.title}</Link>
      </p>
      <h1>{strings.taskForm.editTitle(task.data.title)}</h1>
      <TaskForm
        context={context}
        meters={meters}
        task={{ ...task.data, recurrence: task.data.recurrence as Recurrence }}
      />
      <ActionForm action={archiveTask} submit={strings.taskForm.archive} secondary>
        <input type="hidden" name="taskId" value={taskId} />
        <input type="hidden" name="residenceId" value={task.data.residenceId} />
      </ActionForm>
    </section>
  );
}
