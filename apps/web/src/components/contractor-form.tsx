import { saveContractor } from "../actions/contractors.ts";
import { strings } from "../strings.ts";
import { ActionForm } from "./action-form.tsx";
import { Field } from "./field.tsx";
import { SelectField, TextAreaField } from "./inputs.tsx";

interface EditableContractor {
  id: string;
  name: string;
  company: string | null;
  trades: string[];
  phone: string | null;
  email: string | null;
  website: string | null;
  notes: string | null;
  rating: number | null;
  favorite: boolean;
}

export function ContractorForm({
  residenceId,
  contractor,
}: {
  residenceId: string;
  contractor?: EditableContractor;
}) {
  const t = strings.contractors;
  return (
    <ActionForm action={saveContractor} submit={contractor ? t.save : t.create}>
      <input type="hidden" name="residenceId" value={residenceId} />
      {contractor ? <input type="hidden" name="contractorId" value={contractor.id} /> : null}
      <Field label={t.name} name="name" required maxLength={200} defaultValue={contractor?.name} />
      <Field label={t.company} name="company" maxLength={200} defaultValue={contractor?.company ?? ""} />
      <fieldset className="choices">
        <legend>{t.trades}</legend>
        {Object.entries(strings.taskForm.categories).map(([trade, label]) => (
          <label key={trade}>
            <input
              type="checkbox"
              name="trades"
              value={trade}
              defaultChecked={contractor?.trades.includes(trade)}
            />{" "}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <Field
          label={t.phone}
          name="phone"
          type="tel"
          autoComplete="off"
          defaultValue={contractor?.phone ?? ""}
        />
        <Field
          label={t.email}
          name="email"
          type="email"
          autoComplete="off"
          defaultValue={contractor?.email ?? ""}
        />
      </div>
      <Field label={t.website} name="website" defaultValue={contractor?.website ?? ""} />
      <SelectField
        label={t.rating}
        name="rating"
        defaultValue={contractor?.rating ? String(contractor.rating) : ""}
        options={[["", t.noRating], ...[1, 2, 3, 4, 5].map((n) => [String(n), t.stars(n)] as const)]}
      />
      <label className="check">
        <input type="checkbox" name="favorite" defaultChecked={contractor?.favorite} /> {t.favorite}
      </label>
      <TextAreaField label={t.notes} name="notes" maxLength={10_000} defaultValue={contractor?.notes ?? ""} />
    </ActionForm>
  );
}
