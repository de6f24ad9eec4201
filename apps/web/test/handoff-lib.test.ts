import assert from "node:assert/strict";
import { test } from "node:test";
import { linkRefusal, preferredLocale } from "../src/lib/handoff.ts";
import { strings } from "../src/strings.ts";

test("the contractor's page reads amounts in the browser's first language that Intl knows", () => {
  assert.equal(preferredLocale("de-DE,de;q=0.9,en;q=0.8"), "de-DE");
  assert.equal(preferredLocale("fr-CH, fr;q=0.9"), "fr-CH");
  assert.equal(preferredLocale("*;q=0.5, en-GB;q=0.4"), "en-GB");
  assert.equal(preferredLocale("not a tag!!, nl"), "nl");
  assert.equal(preferredLocale(""), "en");
  assert.equal(preferredLocale(null), "en");
});

test("the API's refusals of a hand-off link in the contractor's words", () => {
  const t = strings.contractorPage;
  assert.equal(linkRefusal(404, undefined), t.notFound);
  assert.equal(linkRefusal(410, "This link was withdrawn by the household"), t.revoked);
  assert.equal(linkRefusal(410, "This link has expired"), t.expired);
  assert.equal(linkRefusal(409, "The work was already marked done through this link"), t.submitted);
  assert.equal(linkRefusal(429, "Too many requests"), t.tooMany);
  assert.equal(linkRefusal(422, "The file is not a PDF or an image"), undefined);
  assert.equal(linkRefusal(500, undefined), undefined);
});
