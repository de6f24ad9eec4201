import type { InputHTMLAttributes } from "react";

/** A labelled input; the label is always visible (not a placeholder) for accessibility. */
export function Field({
  label,
  hint,
  ...input
}: { label: string; hint?: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `field-${input.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
