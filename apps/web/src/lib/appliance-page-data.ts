import "server-only";
import type { ApiClient } from "@honeydue/api-client";
import { strings } from "../strings.ts";
import { residenceContext } from "./task-page-data.ts";

/**
 * What the appliance screens need beside the appliance: the residence context (locale, currency, role,
 * contractors) and the documents and tasks an appliance may be linked to, each as an id and a name.
 */
export async function applianceContext(api: ApiClient, residenceId: string) {
  const path = { residenceId };
  const [context, documents, tasks] = await Promise.all([
    residenceContext(api, residenceId),
    api.GET("/v1/residences/{residenceId}/documents", { params: { path, query: { limit: 100 } } }),
    api.GET("/v1/residences/{residenceId}/tasks", { params: { path, query: { limit: 100 } } }),
  ]);
  if (!documents.data || !tasks.data) {
    console.error(`appliance context: API answered ${documents.response.status}/${tasks.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  return {
    ...context,
    choices: {
      documents: documents.data.items.map((d) => ({ id: d.id, label: d.title })),
      contractors: context.contractors.map((c) => ({ id: c.id, label: c.name })),
      tasks: tasks.data.items.map((task) => ({ id: task.id, label: task.title })),
    },
  };
}
