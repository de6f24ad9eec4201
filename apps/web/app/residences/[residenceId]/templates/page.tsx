import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { addFromTemplates } from "../../../../src/actions/household.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.household.templatesTitle };

const TYPES = ["house", "townhouse", "condo", "apartment", "other"] as const;

export default async function Templates({
  params,
  searchParams,
}: {
  params: Promise<{ residenceId: string }>;
  searchParams: Promise<{ type?: string }>;
}) {
  const { residenceId } = await params;
  const { type } = await searchParams;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/templates`);
  const propertyType = TYPES.find((t) => t === type);
  const { data, response } = await api.GET("/v1/task-templates", {
    params: { query: propertyType ? { propertyType } : {} },
  });
  if (!data) {
    console.error(`templates page: API answered ${response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.household;
  return (
    <section>
      <h1>{t.templatesTitle}</h1>
      <p className="lead">{t.templatesLead}</p>
      <ActionForm action={addFromTemplates} submit={t.addTemplates}>
        <input type="hidden" name="residenceId" value={residenceId} />
        <input type="hidden" name="idempotencyKey" value={randomUUID()} />
        <fieldset className="templates">
          <legend className="visually-hidden">{t.templatesTitle}</legend>
          {data.items.map((template) => (
            <label key={template.id} className="template">
              <input
                type="checkbox"
                name="templateId"
                value={template.id}
                defaultChecked={template.starter}
              />
              <span>
                <strong>{template.title}</strong>
                <span className="hint"> — {template.recurrenceText}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </ActionForm>
    </section>
  );
}
