/**
 * Contractor hand-off links in the changes feed (GET /v1/sync): a link is an entity of its residence, as its
 * own GET answers it, never with its secret; making, using, deciding and deleting it each arrive as changes,
 * to the members of that residence only.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { test } from "node:test";
import { createHousehold, type TestUser } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const A = await createHousehold(deps, { name: "Hazel Row" });
const B = await createHousehold(deps, { name: "Elsewhere" });
const contractorIp = `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;

type Change = {
  type: string;
  id: string;
  residenceId: string | null;
  op: string;
  data?: Record<string, unknown>;
};

async function call(method: "GET" | "POST" | "DELETE", url: string, as: TestUser, payload?: object) {
  return app.inject({ method, url, headers: as.auth, ...(payload ? { payload } : {}) });
}

/** Every page of the feed from `since` (a full sync without it); the changes and the cursor to go on from. */
async function syncFeed(
  as: TestUser,
  since?: string,
): Promise<{ changes: Change[]; cursor: string; body: string }> {
  const changes: Change[] = [];
  let cursor = since;
  let body = "";
  for (;;) {
    const res = await call("GET", `/v1/sync${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`, as);
    assert.equal(res.statusCode, 200, res.body);
    body += res.body;
    const page = res.json() as { changes: Change[]; nextCursor: string; hasMore: boolean };
    changes.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, cursor, body };
  }
}

/** The feed's changes of hand-off links since `since`, waiting for the transactions that wrote them. */
async function linkChangesSince(as: TestUser, since: string, until: (changes: Change[]) => boolean) {
  const deadline = Date.now() + 30_000;
  let seen: Change[] = [];
  let cursor = since;
  for (;;) {
    const page = await syncFeed(as, cursor);
    seen = [...seen, ...page.changes.filter((c) => c.type === "handoffLink")];
    cursor = page.cursor;
    if (until(seen)) return { changes: seen, cursor, body: page.body };
    assert.ok(Date.now() < deadline, `the feed never brought the change: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("a hand-off link travels in the feed as its GET answers it: made, used, decided, deleted", async () => {
  const start = (await syncFeed(A.member)).cursor;
  const otherStart = (await syncFeed(B.owner)).cursor;
  const task = await call("POST", `/v1/residences/${A.residence.id}/tasks`, A.member, {
    title: "Fix the fence",
  });
  assert.equal(task.statusCode, 201, task.body);
  const taskId = task.json().id as string;
  const made = await call("POST", `/v1/tasks/${taskId}/handoff-links`, A.member, {});
  assert.equal(made.statusCode, 201, made.body);
  const { id, token } = made.json() as { id: string; token: string };

  const first = await linkChangesSince(A.member, start, (cs) => cs.some((c) => c.id === id));
  const madeChange = first.changes.find((c) => c.id === id)!;
  assert.equal(madeChange.op, "upsert");
  assert.equal(madeChange.residenceId, A.residence.id);
  assert.deepEqual(madeChange.data, (await call("GET", `/v1/handoff-links/${id}`, A.member)).json());
  assert.ok(!first.body.includes(token), "the feed carries the link's secret");

  // The contractor marks the work done: the link arrives again, proposed, with what they sent.
  const submitted = await app.inject({
    method: "POST",
    url: `/v1/handoff/${token}/submit`,
    remoteAddress: contractorIp,
    payload: { contractorName: "Pat Fixit", amountCents: 7_500 },
  });
  assert.equal(submitted.statusCode, 200, submitted.body);
  const second = await linkChangesSince(A.member, first.cursor, (cs) =>
    cs.some((c) => c.id === id && c.data?.state === "proposed"),
  );
  const proposed = second.changes.findLast((c) => c.id === id)!;
  assert.deepEqual(proposed.data, (await call("GET", `/v1/handoff-links/${id}`, A.member)).json());
  assert.equal((proposed.data!.submission as { amountCents: number }).amountCents, 7_500);

  // Rejected, then the task deleted: the link goes with it, as a deletion.
  const rejected = await call("POST", `/v1/handoff-links/${id}/reject`, A.owner, {});
  assert.equal(rejected.statusCode, 200, rejected.body);
  const third = await linkChangesSince(A.member, second.cursor, (cs) =>
    cs.some((c) => c.id === id && c.data?.state === "rejected"),
  );
  const deleted = await call("DELETE", `/v1/tasks/${taskId}`, A.owner);
  assert.ok(deleted.statusCode < 300, deleted.body);
  await linkChangesSince(A.member, third.cursor, (cs) => cs.some((c) => c.id === id && c.op === "delete"));

  // A full sync of another household holds nothing of it; nor does its feed since before.
  const other = await syncFeed(B.owner, otherStart);
  assert.ok(!other.body.includes(id), "another household's feed names the link");
  assert.ok(!(await syncFeed(B.owner)).body.includes(id));
});

test("a full sync brings a residence's hand-off links", async () => {
  const task = await call("POST", `/v1/residences/${A.residence.id}/tasks`, A.member, {
    title: "Paint the door",
  });
  assert.equal(task.statusCode, 201, task.body);
  const made = await call("POST", `/v1/tasks/${task.json().id}/handoff-links`, A.member, {
    showAddress: true,
  });
  assert.equal(made.statusCode, 201, made.body);
  const full = await syncFeed(A.viewer);
  const link = full.changes.find((c) => c.type === "handoffLink" && c.id === made.json().id);
  assert.ok(link, "the link is in a full sync");
  assert.deepEqual(link.data, (await call("GET", `/v1/handoff-links/${made.json().id}`, A.viewer)).json());
  assert.ok(!full.body.includes(made.json().token));
});
