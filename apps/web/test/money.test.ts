import assert from "node:assert/strict";
import { test } from "node:test";
import { moneyInputValue, parseMoney } from "../src/lib/money.ts";

test("money typed in the person's locale becomes integer cents", () => {
  const cases: [string, string, number | null | undefined][] = [
    ["", "en-US", null],
    ["  ", "en-US", null],
    ["45", "en-US", 4500],
    ["45.5", "en-US", 4550],
    ["$1,234.56", "en-US", 123456],
    ["1234.05 USD", "en-US", 123405],
    ["1.234,50 €", "de-DE", 123450],
    ["45,5", "de-DE", 4550],
    ["45.50", "de-DE", 4550],
    ["1 234,50", "fr-FR", 123450],
    ["1\u202f234,50\u00a0€", "fr-FR", 123450],
    ["0.99", "en-GB", 99],
    ["-5", "en-US", undefined],
    ["12.345", "en-US", undefined],
    ["ten", "en-US", undefined],
    ["1e5", "en-US", undefined],
  ];
  for (const [input, locale, cents] of cases)
    assert.equal(parseMoney(input, locale), cents, `${input} (${locale})`);
});

test("cents shown back in an edit field read back as the same cents", () => {
  for (const locale of ["en-US", "de-DE", "fr-FR"]) {
    for (const cents of [0, 5, 4550, 123456])
      assert.equal(parseMoney(moneyInputValue(cents, locale), locale), cents);
  }
  assert.equal(moneyInputValue(123456, "de-DE"), "1234,56");
  assert.equal(moneyInputValue(null, "en"), "");
});
