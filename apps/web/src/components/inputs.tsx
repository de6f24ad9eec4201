import type { SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** A labelled select; options as [value, label] pairs. */
export function SelectField({
  label,
  options,
  ...select
}: {
  label: string;
  name: string;
  options: readonly (readonly [string, string])[];
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `field-${select.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextAreaField({
  label,
  ...area
}: { label: string; name: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = area.id ?? `field-${area.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} {...area} />
    </div>
  );
}
