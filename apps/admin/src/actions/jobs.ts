"use server";
import { api, csrfOf, outcome, safeBack } from "@/lib/api";

export async function retryJob(form: FormData) {
  const client = await api(csrfOf(form));
  const jobId = String(form.get("jobId") ?? "");
  const result = await client.POST("/v1/admin/jobs/failed/{jobId}/retry", { params: { path: { jobId } } });
  outcome(result, safeBack(form.get("back"), "/jobs"), "The job will run again");
}

export async function discardJob(form: FormData) {
  const client = await api(csrfOf(form));
  const jobId = String(form.get("jobId") ?? "");
  const result = await client.DELETE("/v1/admin/jobs/failed/{jobId}", { params: { path: { jobId } } });
  outcome(result, safeBack(form.get("back"), "/jobs"), "The job was discarded");
}
