"use client";
import { type ReactNode, useState } from "react";

/**
 * A secret link shown once (the API keeps only its hash): read-only, selected on focus, with a button that
 * copies it and says whether that worked. Used by the calendar feed, hand-off and report links.
 */
export function CopyableLink({
  id,
  label,
  url,
  hint,
  words,
}: {
  id: string;
  label: ReactNode;
  url: string;
  hint?: ReactNode;
  words: { copy: string; copied: string; copyFailed: string };
}) {
  const [copied, setCopied] = useState<{ url: string; message: string }>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied({ url, message: words.copied });
    } catch {
      setCopied({ url, message: words.copyFailed });
    }
  };
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      {hint ? <p className="hint">{hint}</p> : null}
      <p className="actions">
        <button type="button" onClick={copy}>
          {words.copy}
        </button>
        <span role="status">{copied?.url === url ? copied.message : ""}</span>
      </p>
    </>
  );
}
