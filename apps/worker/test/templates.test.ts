import assert from "node:assert/strict";
import { test } from "node:test";
import { renderEmail, TEMPLATES } from "@honeydue/email";
import { EMAIL_SAMPLES } from "@honeydue/email/samples";

test("every email template renders to HTML and plain text with links from PUBLIC_WEB_URL", async () => {
  const names = Object.keys(TEMPLATES);
  for (const required of [
    "verify-email",
    "reset-password",
    "password-changed",
    "invite",
    "daily-digest",
    "warranty-expiring",
  ]) {
    assert.ok(names.includes(required), required);
  }
  for (const name of names) {
    const data = EMAIL_SAMPLES[name];
    assert.ok(data, `example data for ${name} in packages/email/src/samples.ts`);
    const email = await renderEmail(name, data, { publicWebUrl: "https://web.example" });
    assert.match(email.html, /^<!doctype html>/i, name);
    assert.ok(email.text.length > 50, name);
    assert.doesNotMatch(
      email.html + email.text + email.subject,
      /\{\{\w+\}\}/,
      `${name}: no placeholder left`,
    );
    assert.match(email.html + email.text, /https:\/\/web\.example\//, name);
  }
});

test("reminder emails carry RFC 8058 one-click unsubscribe; values are escaped in HTML", async () => {
  for (const name of ["daily-digest", "warranty-expiring", "task-escalation", "handoff-proposed"]) {
    const email = await renderEmail(name, EMAIL_SAMPLES[name]!, { publicWebUrl: "https://web.example" });
    assert.match(
      email.headers["List-Unsubscribe"] ?? "",
      /^<https:\/\/api\.honeydue\.example\/v1\/unsubscribe\/[\w.-]+>$/,
    );
    assert.equal(email.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    assert.match(email.html, /https:\/\/web\.example\/unsubscribe\//);
  }
  const digest = await renderEmail("daily-digest", EMAIL_SAMPLES["daily-digest"]!, {
    publicWebUrl: "https://web.example",
  });
  assert.match(digest.html, /Sweep chimney &lt;&amp; co&gt;/);
  assert.match(digest.text, /Sweep chimney <& co>/);
  const verify = await renderEmail("verify-email", EMAIL_SAMPLES["verify-email"]!, {
    publicWebUrl: "https://web.example",
  });
  assert.deepEqual(verify.headers, {}, "transactional email has no unsubscribe");
});
