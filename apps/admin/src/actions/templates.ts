"use server";
import { redirect } from "next/navigation";
import { api, csrfOf, outcome, problemText, safeBack, withParam } from "@/lib/api";

const CATEGORIES = [
  "hvac",
  "plumbing",
  "electrical",
  "appliances",
  "exterior",
  "interior",
  "yard",
  "safety",
  "cleaning",
  "pest",
  "other",
] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const PROPERTY_TYPES = ["house", "townhouse", "condo", "apartment", "other"] as const;
const UNITS = ["day", "week", "month", "year"] as const;

const pick = <T extends string>(values: readonly T[], v: FormDataEntryValue | null, fallback: T): T =>
  values.find((x) => x === v) ?? fallback;

/** The template fields of the form, as the API takes them. */
function fields(form: FormData) {
  const kind = String(form.get("kind") ?? "none");
  const rrule = String(form.get("rrule") ?? "").trim();
  const interval = Number(form.get("interval") ?? 1);
  const unit = pick(UNITS, form.get("unit"), "month");
  const recurrence =
    kind === "fixed"
      ? rrule
        ? { kind: "fixed" as const, rrule }
        : { kind: "fixed" as const, interval, unit }
      : kind === "afterCompletion"
        ? { kind: "afterCompletion" as const, interval, unit }
        : null;
  return {
    title: String(form.get("title") ?? "").trim(),
    howTo: String(form.get("howTo") ?? ""),
    category: pick(CATEGORIES, form.get("category"), "other"),
    priority: pick(PRIORITIES, form.get("priority"), "normal"),
    recurrence,
    propertyTypes: PROPERTY_TYPES.filter((p) => form.getAll("propertyTypes").includes(p)),
    starter: form.get("starter") === "on",
  };
}

export async function createTemplate(form: FormData) {
  const client = await api(csrfOf(form));
  const { data, error, response } = await client.POST("/v1/admin/templates", { body: fields(form) });
  if (response.status === 401) redirect("/sign-in");
  if (!data) redirect(withParam("/templates/new", "error", problemText(error, response.status)));
  redirect(withParam(`/templates/${data.id}`, "notice", "Template created: the apps' catalog has it now"));
}

export async function updateTemplate(form: FormData) {
  const client = await api(csrfOf(form));
  const templateId = String(form.get("templateId") ?? "");
  const result = await client.PATCH("/v1/admin/templates/{templateId}", {
    params: { path: { templateId } },
    body: fields(form),
  });
  outcome(result, safeBack(form.get("back")), "Template saved");
}

export async function retireTemplate(form: FormData) {
  const client = await api(csrfOf(form));
  const templateId = String(form.get("templateId") ?? "");
  const restore = form.get("restore") === "1";
  const result = restore
    ? await client.POST("/v1/admin/templates/{templateId}/restore", { params: { path: { templateId } } })
    : await client.POST("/v1/admin/templates/{templateId}/retire", { params: { path: { templateId } } });
  outcome(
    result,
    safeBack(form.get("back")),
    restore ? "Template restored to the catalog" : "Template retired: it left the apps' catalog",
  );
}
