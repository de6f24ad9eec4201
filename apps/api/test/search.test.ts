import assert from "node:assert/strict";
import { test } from "node:test";
import { tasks } from "@honeydue/db";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

const { app, deps } = await startTestApi();
const home = await createHousehold(deps, { name: "Search House" });
const other = await createHousehold(deps, { name: "Neighbours" });

async function task(residenceId: string, title: string, notes: string | null = null) {
  const [row] = await deps.db
    .insert(tasks)
    .values({ residenceId, title, notes, category: "hvac" })
    .returning();
  return row!.id;
}
async function create(kind: "contractors" | "documents", body: object, residenceId = home.residence.id) {
  const res = await app.inject({
    method: "POST",
    url: `/v1/residences/${residenceId}/${kind}`,
    headers: home.owner.auth,
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

interface Hit {
  type: string;
  id: string;
  title: string;
  headline: string;
  rank: number;
}
async function search(query: string, as = home.viewer, residenceId = home.residence.id) {
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${residenceId}/search?${query}`,
    headers: as.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as Hit[];
}
const q = (text: string) => `q=${encodeURIComponent(text)}`;

const ids = {
  filterTask: await task(
    home.residence.id,
    "Replace furnace filter",
    "Use MERV 11 filters from the hall cupboard",
  ),
  gutterTask: await task(home.residence.id, "Clean gutters", "Before the autumn rains"),
  smokeTask: await task(home.residence.id, "Test smoke alarms", "Check the thermostat schedule too"),
  contractor: await create("contractors", {
    name: "Therma Heating",
    company: "Warmth Ltd",
    trades: ["hvac"],
    notes: "Services the furnace every October",
  }),
  manual: await create("documents", { title: "Thermostat manual", kind: "manual" }),
  warranty: await create("documents", {
    title: "Furnace warranty",
    kind: "warranty",
    notes: "Ten years, parts",
  }),
};
const theirs = await task(other.residence.id, "Replace furnace filter", "Thermostat and furnace and filters");

test("a word finds tasks, contractors and documents, titles ranked above notes", async () => {
  const hits = await search(q("furnace"));
  const found = hits.map((h) => [h.type, h.id]);
  assert.deepEqual(
    new Set(found.map(([, id]) => id)),
    new Set([ids.filterTask, ids.warranty, ids.contractor]),
    JSON.stringify(hits),
  );
  // title matches (weight A) before the contractor that only mentions it in its notes (weight C)
  assert.equal(hits.at(-1)!.id, ids.contractor);
  assert.equal(hits.at(-1)!.type, "contractor");
  assert.ok(hits[0]!.rank > hits.at(-1)!.rank);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.rank >= hits[i]!.rank, "sorted by rank");
  const doc = hits.find((h) => h.id === ids.warranty)!;
  assert.equal(doc.type, "document");
  assert.equal(doc.title, "Furnace warranty");
  assert.match(doc.headline, /<mark>Furnace<\/mark>/);
});

test("another household's things never appear, and its members cannot search here", async () => {
  for (const text of ["furnace", "filter", "thermostat", "furn", "replace furnace filter"]) {
    const hits = await search(q(text));
    assert.ok(!hits.some((h) => h.id === theirs), `${text} leaked another household's task`);
  }
  const mine = await search(q("furnace"), other.owner, other.residence.id);
  assert.deepEqual(
    mine.map((h) => h.id),
    [theirs],
  );
  const res = await app.inject({
    method: "GET",
    url: `/v1/residences/${home.residence.id}/search?q=furnace`,
    headers: other.owner.auth,
  });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
});

test("the last word matches as a prefix; whole words match their stems", async () => {
  const idsOf = async (text: string) => new Set((await search(q(text))).map((h) => h.id));
  // type-ahead
  assert.deepEqual(await idsOf("thermo"), new Set([ids.manual, ids.smokeTask]));
  assert.deepEqual(await idsOf("therm"), new Set([ids.manual, ids.smokeTask, ids.contractor]));
  assert.deepEqual(await idsOf("replace furn"), new Set([ids.filterTask]));
  assert.deepEqual(await idsOf("warmth l"), new Set([ids.contractor]));
  // stems: plural/singular and verb forms
  assert.deepEqual(await idsOf("filters"), new Set([ids.filterTask]));
  assert.deepEqual(await idsOf("gutter"), new Set([ids.gutterTask]));
  assert.deepEqual(await idsOf("cleaning gutter"), new Set([ids.gutterTask]));
  assert.deepEqual(await idsOf("servicing furnace"), new Set([ids.contractor]));
  // trades and kinds are searchable
  assert.ok((await idsOf("hvac")).has(ids.contractor));
  assert.deepEqual(await idsOf("warranty"), new Set([ids.warranty]));
  // a prefix only completes the last word
  assert.deepEqual(await idsOf("furn filter"), new Set());
  assert.deepEqual(await idsOf("zzzz"), new Set());
});

test("web-search syntax: exclusion, phrases, or", async () => {
  const idsOf = async (text: string) => new Set((await search(q(text))).map((h) => h.id));
  assert.deepEqual(await idsOf("furnace -warranty"), new Set([ids.filterTask, ids.contractor]));
  assert.deepEqual(await idsOf('"furnace filter"'), new Set([ids.filterTask]));
  assert.deepEqual(await idsOf('"filter furnace"'), new Set());
  assert.deepEqual(await idsOf("gutters or smoke"), new Set([ids.gutterTask, ids.smokeTask]));
});

test("the type filter and limit narrow the hits", async () => {
  const docs = await search(`${q("therm")}&type=document`);
  assert.deepEqual(
    docs.map((h) => [h.type, h.id]),
    [["document", ids.manual]],
  );
  const two = await search(`${q("therm")}&type=task&type=contractor`);
  assert.deepEqual(new Set(two.map((h) => h.type)), new Set(["task", "contractor"]));
  assert.equal((await search(`${q("therm")}&limit=1`)).length, 1);
});

test("headlines are HTML-safe with only <mark> markup", async () => {
  const id = await task(
    home.residence.id,
    "Fix <b>boiler</b> & pump",
    'Tell "Bob" the <script>alert(1)</script> boiler leaks',
  );
  const hits = await search(q("boiler"));
  const hit = hits.find((h) => h.id === id)!;
  assert.ok(hit, JSON.stringify(hits));
  assert.equal(hit.title, "Fix <b>boiler</b> & pump");
  assert.match(hit.headline, /<mark>boiler<\/mark>/);
  assert.doesNotMatch(hit.headline, /<(?!\/?mark>)/, hit.headline);
  assert.match(hit.headline, /&amp;/);
});

test("markers in stored text never become markup (control characters in titles and notes)", async () => {
  // U+0001/U+0002 are the highlighter's own markers: a title holding them must not open or close <mark>.
  const id = await task(
    home.residence.id,
    "Drain \u0001<img src=x onerror=alert(1)>\u0002 sump\u0002 pit\u0001",
    "\u0002\u0001check \u0003\u0007 the sump \u001f float",
  );
  const hits = await search(q("sump"));
  const hit = hits.find((h) => h.id === id)!;
  assert.ok(hit, JSON.stringify(hits));
  const marks = hit.headline.match(/<\/?mark>/g) ?? [];
  assert.deepEqual(marks, ["<mark>", "</mark>", "<mark>", "</mark>"], hit.headline);
  assert.equal(
    hit.headline.match(/<mark>([^<]*)<\/mark>/g)?.join(","),
    "<mark>sump</mark>,<mark>sump</mark>",
  );
  assert.doesNotMatch(hit.headline, /<(?!\/?mark>)/, hit.headline);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: none may reach the client
  assert.doesNotMatch(hit.headline, /[\u0000-\u001f]/, JSON.stringify(hit.headline));
});

test("changes are searchable at once; deleted things disappear", async () => {
  const id = await create("contractors", { name: "Quill Roofing" });
  assert.equal((await search(q("quill"))).length, 1);
  const patch = await app.inject({
    method: "PATCH",
    url: `/v1/contractors/${id}`,
    headers: home.owner.auth,
    payload: { name: "Zephyr Roofing" },
  });
  assert.equal(patch.statusCode, 200);
  assert.equal((await search(q("quill"))).length, 0);
  assert.deepEqual(
    (await search(q("zephyr"))).map((h) => h.id),
    [id],
  );
  await app.inject({ method: "DELETE", url: `/v1/contractors/${id}`, headers: home.owner.auth });
  assert.equal((await search(q("zephyr"))).length, 0);
});

test("odd input never fails: tsquery syntax, quotes, punctuation, stop words", async () => {
  for (const text of [
    "furnace:* & |!",
    "'",
    '"',
    '"furnace',
    "-",
    "the",
    "a b c",
    "(",
    "filter:A",
    "ünïcödé",
    "100%",
    "\\",
  ]) {
    await search(q(text));
  }
  assert.deepEqual(
    (await search(q("furnace:*"))).map((h) => h.id).sort(),
    [ids.filterTask, ids.warranty, ids.contractor].sort(),
  );
});

test("bad search input is a 400 problem", async () => {
  for (const query of [
    "",
    "q=",
    `q=${"x".repeat(201)}`,
    "q=%20%20",
    "q=a&limit=0",
    "q=a&limit=51",
    "q=a&type=photo",
  ]) {
    const res = await app.inject({
      method: "GET",
      url: `/v1/residences/${home.residence.id}/search?${query}`,
      headers: home.viewer.auth,
    });
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  }
  const anon = await app.inject({ method: "GET", url: `/v1/residences/${home.residence.id}/search?q=a` });
  assert.equal(anon.statusCode, 401);
});
