import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { createResidence } from "../../../src/actions/household.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { Field } from "../../../src/components/field.tsx";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.household.newResidence };

export default function NewResidence() {
  const t = strings.household;
  return (
    <section className="narrow">
      <h1>{t.newResidence}</h1>
      <ActionForm action={createResidence} submit={t.create}>
        <input type="hidden" name="idempotencyKey" value={randomUUID()} />
        <Field label={t.residenceName} name="name" required maxLength={100} />
        <div className="field">
          <label htmlFor="field-propertyType">{t.propertyType}</label>
          <select id="field-propertyType" name="propertyType" defaultValue="house">
            {Object.entries(t.propertyTypes).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </ActionForm>
    </section>
  );
}
