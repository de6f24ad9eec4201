import { strings } from "../strings.ts";

/**
 * What the contractor's page says when the API refuses a hand-off link: unknown (404), withdrawn or expired
 * (410, told apart by the problem's words), already used (409), too many requests (429); undefined for
 * anything else.
 */
export function linkRefusal(status: number, detail: string | undefined): string | undefined {
  const t = strings.contractorPage;
  if (status === 404) return t.notFound;
  if (status === 410) return /withdrawn/i.test(detail ?? "") ? t.revoked : t.expired;
  if (status === 409) return t.submitted;
  if (status === 429) return t.tooMany;
  return undefined;
}

/** The first language the browser asks for that Intl knows ("en" when none), for reading typed amounts. */
export function preferredLocale(acceptLanguage: string | null): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [known] = Intl.NumberFormat.supportedLocalesOf([tag]);
      if (known) return known;
    } catch {
      // Not a language tag: the next one.
    }
  }
  return "en";
}
