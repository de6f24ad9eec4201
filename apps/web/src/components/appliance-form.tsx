import { randomUUID } from "node:crypto";
import { TYPICAL_LIFESPAN_YEARS } from "@honeydue/domain/appliances";
import { saveAppliance } from "../actions/appliances.ts";
import { moneyInputValue } from "../lib/money.ts";
import { strings } from "../strings.ts";
import { ActionForm } from "./action-form.tsx";
import { Field } from "./field.tsx";
import { SelectField, TextAreaField } from "./inputs.tsx";

export interface EditableAppliance {
  id: string;
  name: string;
  kind: string;
  brand: string | null;
  model: string | null;
  serialNumber: string | null;
  purchasedOn: string | null;
  installedOn: string | null;
  location: string | null;
  notes: string | null;
  lifespanYears: number | null;
  replacementCostCents: number | null;
  photoFileId: string | null;
  documentIds: string[];
  contractorIds: string[];
  taskIds: string[];
}

type Choice = { id: string; label: string };

/** Things of the residence to link, as checkboxes; nothing when the residence has none. */
function Links({
  legend,
  name,
  choices,
  checked,
}: {
  legend: string;
  name: string;
  choices: Choice[];
  checked: string[];
}) {
  if (choices.length === 0) return null;
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {choices.map((c) => (
        <label key={c.id}>
          <input type="checkbox" name={name} value={c.id} defaultChecked={checked.includes(c.id)} /> {c.label}
        </label>
      ))}
    </fieldset>
  );
}

/** Create (no appliance) or edit one: what it is, its dates and life, its photo and what it is linked to. */
export function ApplianceForm({
  residenceId,
  locale,
  currency,
  appliance,
  documents,
  contractors,
  tasks,
}: {
  residenceId: string;
  locale: string;
  currency: string;
  appliance?: EditableAppliance;
  documents: Choice[];
  contractors: Choice[];
  tasks: Choice[];
}) {
  const t = strings.appliances;
  const currencyName = new Intl.DisplayNames(locale, { type: "currency" }).of(currency) ?? currency;
  const typical = appliance ? TYPICAL_LIFESPAN_YEARS[appliance.kind] : undefined;
  return (
    <ActionForm action={saveAppliance} submit={appliance ? t.save : t.create}>
      <input type="hidden" name="residenceId" value={residenceId} />
      <input type="hidden" name="locale" value={locale} />
      {appliance ? (
        <input type="hidden" name="applianceId" value={appliance.id} />
      ) : (
        <input type="hidden" name="idempotencyKey" value={randomUUID()} />
      )}
      <Field label={t.name} name="name" required maxLength={200} defaultValue={appliance?.name} />
      <SelectField
        label={t.kind}
        name="kind"
        defaultValue={appliance?.kind ?? "other"}
        options={Object.entries(t.kinds)}
      />
      <div className="row">
        <Field label={t.brand} name="brand" maxLength={200} defaultValue={appliance?.brand ?? ""} />
        <Field label={t.model} name="model" maxLength={200} defaultValue={appliance?.model ?? ""} />
      </div>
      <Field
        label={t.serialNumber}
        name="serialNumber"
        maxLength={200}
        autoComplete="off"
        defaultValue={appliance?.serialNumber ?? ""}
      />
      <div className="row">
        <Field
          label={t.purchasedOn}
          name="purchasedOn"
          type="date"
          defaultValue={appliance?.purchasedOn ?? ""}
        />
        <Field
          label={t.installedOn}
          name="installedOn"
          type="date"
          defaultValue={appliance?.installedOn ?? ""}
        />
      </div>
      <Field label={t.location} name="location" maxLength={200} defaultValue={appliance?.location ?? ""} />
      <div className="row">
        <Field
          label={t.lifespan}
          name="lifespanYears"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          hint={t.lifespanHint(typical ? ` (${typical})` : "")}
          defaultValue={appliance?.lifespanYears?.toString() ?? ""}
        />
        <Field
          label={`${t.cost} — ${currencyName}`}
          name="cost"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={moneyInputValue(appliance?.replacementCostCents, locale)}
        />
      </div>
      <Field
        label={appliance?.photoFileId ? t.replacePhoto : t.photo}
        name="photo"
        type="file"
        accept="image/*"
        capture="environment"
      />
      {appliance?.photoFileId ? (
        <label className="check">
          <input type="checkbox" name="removePhoto" value="1" /> {t.removePhoto}
        </label>
      ) : null}
      <Links
        legend={t.linkedDocuments}
        name="documentIds"
        choices={documents}
        checked={appliance?.documentIds ?? []}
      />
      <Links
        legend={t.linkedContractors}
        name="contractorIds"
        choices={contractors}
        checked={appliance?.contractorIds ?? []}
      />
      <Links legend={t.linkedTasks} name="taskIds" choices={tasks} checked={appliance?.taskIds ?? []} />
      <TextAreaField label={t.notes} name="notes" maxLength={10_000} defaultValue={appliance?.notes ?? ""} />
    </ActionForm>
  );
}
