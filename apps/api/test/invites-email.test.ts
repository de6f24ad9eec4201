import assert from "node:assert/strict";
import { test } from "node:test";
import { createHousehold, createUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// The whole path of an invitation: route → outbox → embedded job runner → real SMTP server → link → accept.
const { app, deps, smtp } = await startTestApi({ smtp: true });

test("the invitation email arrives with a working single-use link", async () => {
  const h = await createHousehold(deps, { name: "Cedar Lane" });
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/invites`,
    headers: h.owner.auth,
    payload: { email: "friend@example.test", role: "member" },
  });
  assert.equal(res.statusCode, 201, res.body);

  const mail = await smtp!.waitFor("friend@example.test");
  assert.equal(mail.subject, "Olivia Owner invited you to Cedar Lane on honeyDue");
  const base = deps.settings.publicWebUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const link = new RegExp(`${base}/invites/([A-Za-z0-9_-]{43})`).exec(mail.text);
  assert.ok(link, mail.text);
  assert.ok(mail.html.includes(link[0]), "the HTML part carries the same link");
  assert.match(mail.text, /as a member/);

  const friend = await createUser(deps, { name: "Frida Friend" });
  const accept = await app.inject({
    method: "POST",
    url: `/v1/invites/${link[1]}/accept`,
    headers: friend.auth,
  });
  assert.equal(accept.statusCode, 200, accept.body);
  assert.equal(accept.json().name, "Cedar Lane");
  assert.equal(accept.json().role, "member");
  const again = await app.inject({
    method: "POST",
    url: `/v1/invites/${link[1]}/accept`,
    headers: friend.auth,
  });
  assert.equal(again.statusCode, 410);
});
