import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { invites, memberships, outbox, shareCodes } from "@honeydue/db";
import { and, eq, sql } from "drizzle-orm";
import { createHousehold, createUser, type Household, type TestUser } from "./fixtures.ts";
import { mailOfJob, startTestApi } from "./support.ts";

const { app, deps, smtp } = await startTestApi({ smtp: true });
const WEB = deps.settings.publicWebUrl;

// Reused joiners; each test works in its own household.
const joiners = await Promise.all([1, 2, 3].map((i) => createUser(deps, { name: `Joiner ${i}` })));
const stranger = await createUser(deps, { name: "Sam Stranger" });

async function invite(h: Household, by: TestUser, body: Record<string, unknown>) {
  return app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/invites`,
    headers: by.auth,
    payload: body,
  });
}

/** The invitation email jobs written to the outbox for this address (ids only), newest first. */
async function mailTo(email: string) {
  const rows = await deps.db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.job, "email.send"),
        sql`${outbox.payload}->>'inviteId' IN (SELECT id::text FROM invites WHERE lower(email) = lower(${email}))`,
      ),
    )
    .orderBy(sql`${outbox.createdAt} DESC`);
  return rows.map((r) => ({ id: r.id, payload: r.payload as { template: string; inviteId: string } }));
}

/** The newest invitation to this address as it arrived by email, and the token of its link. */
async function receivedInvite(email: string) {
  const [job] = await mailTo(email);
  assert.ok(job, `no email to ${email}`);
  const message = await mailOfJob(smtp, email.toLowerCase(), job.id);
  const token = new RegExp(`${WEB.replaceAll(".", "\\.")}/invites/([A-Za-z0-9_-]{43})`).exec(
    message.text,
  )?.[1];
  assert.ok(token, message.text);
  return { job, message, token };
}

async function tokenFor(email: string): Promise<string> {
  return (await receivedInvite(email)).token;
}

const accept = (token: string, user: TestUser) =>
  app.inject({ method: "POST", url: `/v1/invites/${token}/accept`, headers: user.auth });

async function roleOf(residenceId: string, userId: string) {
  const [row] = await deps.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

async function feed(h: Household) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/activity`,
    headers: h.owner.auth,
  });
  return res.json().items as {
    action: string;
    actor: { name: string } | null;
    data: Record<string, unknown>;
  }[];
}

test("an owner invites by email: the link goes out through the outbox, the token is stored hashed", async () => {
  const h = await createHousehold(deps, { name: "Maple Street" });
  const res = await invite(h, h.owner, { email: "New.Person@Example.test", role: "viewer" });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.email, "New.Person@Example.test");
  assert.equal(body.role, "viewer");
  assert.deepEqual(body.invitedBy, { id: h.owner.id, name: "Olivia Owner" });
  const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 6.99 && days <= 7, String(days));
  assert.equal(JSON.stringify(body).includes("token"), false);

  const { job, message, token } = await receivedInvite("New.Person@Example.test");
  // The job carries the invite's id only; the link is minted when the email is sent.
  assert.deepEqual(job.payload, { template: "invite", inviteId: body.id });
  assert.equal(message.subject, "Olivia Owner invited you to Maple Street on honeyDue");
  assert.ok(message.text.includes(`${WEB}/invites/${token}`));
  const [stored] = await deps.db.select().from(invites).where(eq(invites.id, body.id));
  assert.equal(stored!.tokenHash.length, 32);
  assert.ok(stored!.tokenHash.equals(createHash("sha256").update(token).digest()), "only the hash is stored");

  for (const user of [h.owner, h.member, h.viewer]) {
    const list = await app.inject({
      method: "GET",
      url: `/v1/residences/${h.residence.id}/invites`,
      headers: user.auth,
    });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list.json().items.map((i: { id: string }) => i.id),
      [body.id],
    );
  }
  const [entry] = await feed(h);
  assert.equal(entry!.action, "member.invited");
  assert.deepEqual(entry!.data, { email: "New.Person@Example.test", role: "viewer" });
});

test("only verified owners invite; members and viewers get 403, other households 404", async () => {
  const h = await createHousehold(deps);
  const unverified = await createUser(deps, { verified: false, name: "Una Unverified" });
  await deps.db
    .insert(memberships)
    .values({ residenceId: h.residence.id, userId: unverified.id, role: "owner" });
  const res = await invite(h, unverified, { email: "x@example.test" });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().type, "https://docs.honeydue.app/problems/email-not-verified");
  assert.match(res.json().detail, /Verify your email address/);
  assert.equal((await invite(h, h.member, { email: "x@example.test" })).statusCode, 403);
  assert.equal((await invite(h, h.viewer, { email: "x@example.test" })).statusCode, 403);
  assert.equal((await invite(h, stranger, { email: "x@example.test" })).statusCode, 404);
  assert.equal((await invite(h, h.owner, { email: "not an email" })).statusCode, 400);
  assert.equal((await invite(h, h.owner, { email: "x@example.test", role: "king" })).statusCode, 400);
  assert.deepEqual(await mailTo("x@example.test"), []);
});

test("inviting a member's address (any case) is a 409", async () => {
  const h = await createHousehold(deps);
  const res = await invite(h, h.owner, { email: h.member.email.toUpperCase() });
  assert.equal(res.statusCode, 409, res.body);
});

test("accepting: any signed-in holder of the link joins with the invited role, once", async () => {
  const h = await createHousehold(deps, { name: "Lake Cabin" });
  await invite(h, h.owner, { email: "partner@example.test", role: "member" });
  const token = await tokenFor("partner@example.test");

  const preview = await app.inject({ method: "GET", url: `/v1/invites/${token}` });
  assert.equal(preview.statusCode, 200, preview.body);
  assert.deepEqual(preview.json(), {
    residenceName: "Lake Cabin",
    inviterName: "Olivia Owner",
    email: "partner@example.test",
    role: "member",
    expiresAt: preview.json().expiresAt,
  });

  // joiners[0]'s account email differs from the invited address: the link is what counts.
  const res = await accept(token, joiners[0]!);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().id, h.residence.id);
  assert.equal(res.json().role, "member");
  assert.equal(res.json().name, "Lake Cabin");
  assert.equal(await roleOf(h.residence.id, joiners[0]!.id), "member");

  for (const user of [joiners[0]!, joiners[1]!]) {
    const again = await accept(token, user);
    assert.equal(again.statusCode, 410, again.body);
    assert.equal(again.json().type, "https://docs.honeydue.app/problems/invite-unavailable");
  }
  assert.equal(await roleOf(h.residence.id, joiners[1]!.id), null);
  assert.equal((await app.inject({ method: "GET", url: `/v1/invites/${token}` })).statusCode, 410);
  const list = await app.inject({
    method: "GET",
    url: `/v1/residences/${h.residence.id}/invites`,
    headers: h.owner.auth,
  });
  assert.deepEqual(list.json().items, []);
  const [entry] = await feed(h);
  assert.equal(entry!.action, "member.joined");
  assert.equal(entry!.actor!.name, "Joiner 1");
  assert.equal(entry!.data.via, "invite");

  // The inviter is told in their notification feed.
  const inbox = await app.inject({ method: "GET", url: "/v1/notifications", headers: h.owner.auth });
  assert.equal(inbox.statusCode, 200, inbox.body);
  const accepted = inbox.json().items.filter((n: { kind: string }) => n.kind === "invite.accepted");
  assert.equal(accepted.length, 1, inbox.body);
  assert.equal(accepted[0].title, "Joiner 1 joined Lake Cabin");
});

test("expired, withdrawn, replaced and unknown invites cannot be accepted", async () => {
  const h = await createHousehold(deps);
  const joiner = joiners[2]!;
  // expired
  const expired = (await invite(h, h.owner, { email: "late@example.test" })).json();
  const lateToken = await tokenFor("late@example.test");
  await deps.db
    .update(invites)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(invites.id, expired.id));
  const lateRes = await accept(lateToken, joiner);
  assert.equal(lateRes.statusCode, 410);
  assert.match(lateRes.json().detail, /expired/);
  // withdrawn by an owner (a member may not withdraw)
  const withdrawn = (await invite(h, h.owner, { email: "gone@example.test" })).json();
  const goneToken = await tokenFor("gone@example.test");
  const url = `/v1/residences/${h.residence.id}/invites/${withdrawn.id}`;
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.member.auth })).statusCode, 403);
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.owner.auth })).statusCode, 204);
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.owner.auth })).statusCode, 404);
  const goneRes = await accept(goneToken, joiner);
  assert.equal(goneRes.statusCode, 410);
  assert.match(goneRes.json().detail, /withdrawn/);
  // replaced by a new invite to the same address: the old link stops working, the new one works
  await invite(h, h.owner, { email: "twice@example.test" });
  const first = await tokenFor("twice@example.test");
  await invite(h, h.owner, { email: "TWICE@example.test" });
  const second = await tokenFor("TWICE@example.test");
  assert.notEqual(first, second);
  assert.equal((await accept(first, joiner)).statusCode, 410);
  // unknown
  assert.equal((await accept("A".repeat(43), joiner)).statusCode, 404);
  assert.equal(await roleOf(h.residence.id, joiner.id), null);
  // an existing member holding a link: 409, and the link stays usable for someone else
  const mine = await accept(second, h.viewer);
  assert.equal(mine.statusCode, 409, mine.body);
  assert.equal(await roleOf(h.residence.id, h.viewer.id), "viewer");
  assert.equal((await accept(second, joiner)).statusCode, 200);
});

test("two people accepting the same link at the same moment: one joins", async () => {
  const h = await createHousehold(deps);
  await invite(h, h.owner, { email: "race@example.test" });
  const token = await tokenFor("race@example.test");
  const [a, b] = await Promise.all([accept(token, joiners[0]!), accept(token, joiners[1]!)]);
  assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 410], `${a.body} ${b.body}`);
  const members = await deps.db.select().from(memberships).where(eq(memberships.residenceId, h.residence.id));
  assert.equal(members.length, 4);
});

test("share codes: owners make them, anyone with the code joins within 48 hours", async () => {
  const h = await createHousehold(deps, { name: "Shared Place" });
  const url = `/v1/residences/${h.residence.id}/share-code`;
  assert.equal((await app.inject({ method: "POST", url, headers: h.member.auth })).statusCode, 403);
  assert.equal((await app.inject({ method: "POST", url, headers: stranger.auth })).statusCode, 404);
  const res = await app.inject({ method: "POST", url, headers: h.owner.auth });
  assert.equal(res.statusCode, 201, res.body);
  const { code, role, expiresAt } = res.json();
  assert.match(code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
  assert.equal(role, "member");
  const hours = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
  assert.ok(hours > 47.99 && hours <= 48, String(hours));

  // typed in lower case with a dash in the middle
  const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4).toLowerCase()}`;
  const join = await app.inject({
    method: "POST",
    url: `/v1/share-codes/${typed}/join`,
    headers: joiners[0]!.auth,
  });
  assert.equal(join.statusCode, 200, join.body);
  assert.equal(join.json().role, "member");
  assert.equal(join.json().name, "Shared Place");
  const again = await app.inject({
    method: "POST",
    url: `/v1/share-codes/${code}/join`,
    headers: joiners[0]!.auth,
  });
  assert.equal(again.statusCode, 409);
  // a code is reusable within its 48 hours
  const second = await app.inject({
    method: "POST",
    url: `/v1/share-codes/${code}/join`,
    headers: joiners[1]!.auth,
  });
  assert.equal(second.statusCode, 200);
  const [entry] = await feed(h);
  assert.deepEqual(
    [entry!.action, entry!.actor!.name, entry!.data.via],
    ["member.joined", "Joiner 2", "shareCode"],
  );
});

test("viewer codes, replaced, revoked, expired and unknown share codes", async () => {
  const h = await createHousehold(deps);
  const url = `/v1/residences/${h.residence.id}/share-code`;
  const make = async (role?: string) => {
    const res = await app.inject({
      method: "POST",
      url,
      headers: h.owner.auth,
      ...(role ? { payload: { role } } : {}),
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().code as string;
  };
  const join = (code: string, user: TestUser) =>
    app.inject({
      method: "POST",
      url: `/v1/share-codes/${encodeURIComponent(code)}/join`,
      headers: user.auth,
    });

  const bad = await app.inject({ method: "POST", url, headers: h.owner.auth, payload: { role: "owner" } });
  assert.equal(bad.statusCode, 400);
  const viewerCode = await make("viewer");
  const replaced = await make();
  const current = await make();
  assert.equal((await join(replaced, joiners[0]!)).statusCode, 404);
  const asViewer = await join(viewerCode, joiners[0]!);
  assert.equal(asViewer.statusCode, 200);
  assert.equal(asViewer.json().role, "viewer");

  await deps.db
    .update(shareCodes)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(shareCodes.code, current));
  assert.equal((await join(current, joiners[1]!)).statusCode, 404);
  const fresh = await make();
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.member.auth })).statusCode, 403);
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.owner.auth })).statusCode, 204);
  assert.equal((await join(fresh, joiners[1]!)).statusCode, 404);
  for (const garbage of ["0000OOOO", "short", "ABCDEFGH"]) {
    assert.equal((await join(garbage, joiners[1]!)).statusCode, 404, garbage);
  }
  assert.equal(await roleOf(h.residence.id, joiners[1]!.id), null);
  const anon = await app.inject({ method: "POST", url: `/v1/share-codes/${fresh}/join` });
  assert.equal(anon.statusCode, 401);
});

test("owners read the share codes that work now; members 403, strangers 404", async () => {
  const h = await createHousehold(deps);
  const url = `/v1/residences/${h.residence.id}/share-code`;
  const list = async () => {
    const res = await app.inject({ method: "GET", url, headers: h.owner.auth });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { items: { code: string; role: string; expiresAt: string }[] }).items;
  };
  const make = async (role: string) => {
    const res = await app.inject({ method: "POST", url, headers: h.owner.auth, payload: { role } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { code: string; role: string; expiresAt: string; createdAt: string };
  };
  assert.deepEqual(await list(), []);
  assertProblem403(await app.inject({ method: "GET", url, headers: h.member.auth }));
  assertProblem403(await app.inject({ method: "GET", url, headers: h.viewer.auth }));
  assert.equal((await app.inject({ method: "GET", url, headers: stranger.auth })).statusCode, 404);
  assert.equal((await app.inject({ method: "GET", url })).statusCode, 401);

  const viewerCode = await make("viewer");
  await make("member");
  const member = await make("member");
  // The replaced member code is gone; newest first, one per role, as made.
  assert.deepEqual(await list(), [member, viewerCode]);
  await deps.db
    .update(shareCodes)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(shareCodes.code, viewerCode.code));
  assert.deepEqual(
    (await list()).map((c) => c.code),
    [member.code],
    "an expired code is not listed",
  );
  assert.equal((await app.inject({ method: "DELETE", url, headers: h.owner.auth })).statusCode, 204);
  assert.deepEqual(await list(), []);
});

function assertProblem403(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  assert.equal(res.statusCode, 403, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
}

test("guessing share codes: after 10 wrong codes in an hour, joins answer 429 even with a good code", async () => {
  const h = await createHousehold(deps);
  const made = await app.inject({
    method: "POST",
    url: `/v1/residences/${h.residence.id}/share-code`,
    headers: h.owner.auth,
  });
  const good = made.json().code as string;
  const guesser = await createUser(deps, { name: "Guesser" });
  for (let i = 0; i < 10; i++) {
    const res = await app.inject({
      method: "POST",
      url: `/v1/share-codes/ZZZZZZ${i + 2}Z/join`,
      headers: guesser.auth,
    });
    assert.equal(res.statusCode, 404, `attempt ${i}`);
  }
  const blocked = await app.inject({
    method: "POST",
    url: `/v1/share-codes/${good}/join`,
    headers: guesser.auth,
  });
  assert.equal(blocked.statusCode, 429, blocked.body);
  assert.ok(Number(blocked.headers["retry-after"]) > 0);
  assert.equal(await roleOf(h.residence.id, guesser.id), null);
  // Someone else (same IP, under its own limit) still joins with the good code.
  const other = await app.inject({
    method: "POST",
    url: `/v1/share-codes/${good}/join`,
    headers: joiners[2]!.auth,
  });
  assert.equal(other.statusCode, 200, other.body);
});

test("a residence sends at most 20 invitations a day", async () => {
  const h = await createHousehold(deps);
  await deps.db.insert(invites).values(
    Array.from({ length: 19 }, (_, i) => ({
      residenceId: h.residence.id,
      email: `bulk${i}@example.test`,
      role: "member" as const,
      tokenHash: Buffer.from(`${h.residence.id}-${i}`.padEnd(32, "x")),
      invitedBy: h.owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    })),
  );
  assert.equal((await invite(h, h.owner, { email: "twentieth@example.test" })).statusCode, 201);
  const res = await invite(h, h.owner, { email: "spam@example.test" });
  assert.equal(res.statusCode, 429, res.body);
  assert.ok(res.headers["retry-after"]);
  assert.deepEqual(await mailTo("spam@example.test"), []);
});
