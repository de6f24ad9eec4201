import { saveDocument } from "../actions/documents.ts";
import { moneyInputValue } from "../lib/money.ts";
import { strings } from "../strings.ts";
import { ActionForm } from "./action-form.tsx";
import { Field } from "./field.tsx";
import { SelectField, TextAreaField } from "./inputs.tsx";

interface EditableDocument {
  id: string;
  title: string;
  kind: string;
  purchaseOn: string | null;
  expiresOn: string | null;
  amountCents: number | null;
  notes: string | null;
  fileId: string | null;
}

export function DocumentForm({
  residenceId,
  locale,
  currency,
  document,
}: {
  residenceId: string;
  locale: string;
  currency: string;
  document?: EditableDocument;
}) {
  const t = strings.documents;
  const currencyName = new Intl.DisplayNames(locale, { type: "currency" }).of(currency) ?? currency;
  return (
    <ActionForm action={saveDocument} submit={document ? t.save : t.create}>
      <input type="hidden" name="residenceId" value={residenceId} />
      <input type="hidden" name="locale" value={locale} />
      {document ? <input type="hidden" name="documentId" value={document.id} /> : null}
      <Field label={t.docTitle} name="title" required maxLength={300} defaultValue={document?.title} />
      <SelectField
        label={t.kind}
        name="kind"
        defaultValue={document?.kind ?? "warranty"}
        options={Object.entries(t.kinds)}
      />
      <div className="row">
        <Field label={t.purchaseOn} name="purchaseOn" type="date" defaultValue={document?.purchaseOn ?? ""} />
        <Field label={t.expiresOn} name="expiresOn" type="date" defaultValue={document?.expiresOn ?? ""} />
      </div>
      <Field
        label={`${t.amount} — ${currencyName}`}
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        defaultValue={moneyInputValue(document?.amountCents, locale)}
      />
      <Field
        label={document?.fileId ? t.replaceFile : t.file}
        name="file"
        type="file"
        accept="application/pdf,image/*"
        hint={t.fileHint}
      />
      <TextAreaField label={t.notes} name="notes" maxLength={10_000} defaultValue={document?.notes ?? ""} />
    </ActionForm>
  );
}
