// Money a person types, read in their locale ("1.234,50 €" in German, "$1,234.50" in American English), as the
// integer cents the API takes. Pure: the unit tests import it.

function separators(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === "group")?.value ?? ",",
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
  };
}

/**
 * Integer cents, null for an empty field, or undefined when the text is not an amount of money (a negative
 * amount, letters, more than two decimals). Group separators are ignored; the locale's decimal separator is
 * the decimal point (a "." is also accepted when the locale's is a comma and no other "." grouping is present).
 */
export function parseMoney(input: string, locale: string): number | null | undefined {
  const { group, decimal } = separators(locale);
  // Currency signs, codes and every kind of space (the locale's group separator may be a narrow space).
  if (input.trim() === "") return null;
  let text = input.replace(/[\p{Sc}\p{Zs}\s]|[A-Z]{3}$|^[A-Z]{3}/gu, "");
  if (decimal !== "." && !text.includes(decimal) && /^\d+\.\d{1,2}$/.test(text))
    text = text.replace(".", decimal);
  if (!/\p{Zs}/u.test(group)) text = text.split(group).join("");
  const normalised = text.split(decimal).join(".");
  if (!/^\d{1,10}(\.\d{0,2})?$/.test(normalised)) return undefined;
  const [whole = "0", fraction = ""] = normalised.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Cents as a person would type them back in this locale (edit forms): "45.50" / "45,50", no grouping. */
export function moneyInputValue(cents: number | null | undefined, locale: string): string {
  if (cents === null || cents === undefined) return "";
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    useGrouping: false,
  }).format(cents / 100);
}
