import assert from "node:assert/strict";
import { test } from "node:test";
import { type Answer, judge, type OpenApi, operationsOf, responseChecker, runFuzz } from "./fuzz/run.ts";
import { startFuzzApi } from "./fuzz/server.ts";
import { seedWorld } from "./fuzz/world.ts";

// The fuzz suite (issue 9): every operation of the served /openapi.json, requests generated from its
// schemas with fast-check plus hostile mutations, against the real API process. Short form here (in
// `npm test`); `npm run test:fuzz` is the long form. Replay: the command printed below.
const perOperation = Number(process.env.FUZZ_CASES_PER_OPERATION ?? 8);
const seedText = process.env.FUZZ_SEED ?? "20261130";
const seed = seedText === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(seedText);
const only = process.env.FUZZ_OPERATION || undefined;
const progress = (message: string) => {
  if (process.env.FUZZ_VERBOSE) console.log(`fuzz ${(performance.now() / 1000).toFixed(1)}s: ${message}`);
};

test(`fuzz: ${perOperation} requests per operation, seed ${seed}`, async () => {
  const api = await startFuzzApi();
  progress("API started");
  const world = await seedWorld(api);
  progress("world seeded");
  const report = await runFuzz(api, world, { seed, casesPerOperation: perOperation, only, progress });
  const replay = `FUZZ_SEED=${seed} FUZZ_CASES_PER_OPERATION=${perOperation}${only ? ` FUZZ_OPERATION='${only}'` : ""} npm run test:fuzz`;
  console.log(
    `fuzz: ${report.cases} requests, ${report.operations} operations, ${report.seconds.toFixed(1)} s, ` +
      `${report.findings.length} findings; statuses ${JSON.stringify(report.statuses)}\nreplay: ${replay}`,
  );
  assert.ok(api.alive(), `the API process died:\n${api.output().slice(-3000)}`);
  if (report.findings.length > 0) {
    const byProblem = new Map<string, typeof report.findings>();
    for (const f of report.findings) {
      const key = `${f.operation}: ${f.problem.slice(0, 160)}`;
      byProblem.set(key, [...(byProblem.get(key) ?? []), f]);
    }
    const lines = [...byProblem].slice(0, 40).map(([key, list]) => {
      const f = list[0]!;
      return `${key} (×${list.length})\n    ${f.request.kind}: ${f.request.method} ${f.request.url.slice(0, 200)} ${JSON.stringify(f.request.headers).slice(0, 200)} ${f.request.body?.slice(0, 120) ?? ""}\n    → ${f.status} ${f.response.slice(0, 300)}`;
    });
    const replayOne = (op: string) =>
      `FUZZ_SEED=${seed} FUZZ_CASES_PER_OPERATION=${perOperation} FUZZ_OPERATION='${op}' npm run test:fuzz`;
    assert.fail(
      `${report.findings.length} findings in ${byProblem.size} kinds:\n${lines.join("\n")}\nreplay one operation: ${replayOne(report.findings[0]!.operation)}`,
    );
  }
});

test("the fuzz oracle flags 5xx, undocumented statuses, non-problem errors and schema violations", () => {
  const document: OpenApi = {
    paths: {
      "/x": {
        get: {
          responses: {
            200: { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
            404: {
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: { type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid" } } },
        Problem: { type: "object" },
      },
    },
  };
  const [op] = operationsOf(document);
  const check = responseChecker(document);
  const problem = (status: number) => JSON.stringify({ type: "https://x/y", title: "t", status });
  const json = "application/json";
  const secure = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none';frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
  };
  const answer = (status: number, contentType: string, body: string, more: Partial<Answer> = {}): Answer => ({
    status,
    contentType,
    body,
    headers: secure,
    credentialed: false,
    ...more,
  });
  assert.deepEqual(judge(op!, answer(200, json, '{"id":"0b7d1c52-4a4e-4a8e-9d6f-6a1f0a6b1c2d"}'), check), []);
  assert.deepEqual(judge(op!, answer(404, "application/problem+json", problem(404)), check), []);
  assert.match(judge(op!, answer(200, json, '{"id":"nope"}'), check).join(), /schema/);
  assert.match(judge(op!, answer(500, "application/problem+json", problem(500)), check).join(), /500/);
  assert.match(
    judge(op!, answer(409, "application/problem+json", problem(409)), check).join(),
    /not documented/,
  );
  assert.match(judge(op!, answer(404, json, problem(404)), check).join(), /not problem\+json/);
  assert.match(judge(op!, answer(200, "text/html", "<p>"), check).join(), /content type/);
  // Security headers: a missing one, a credentialed answer that may be stored.
  const { "x-content-type-options": _, ...noNosniff } = secure;
  assert.match(
    judge(op!, answer(404, "application/problem+json", problem(404), { headers: noNosniff }), check).join(),
    /X-Content-Type-Options/,
  );
  assert.match(
    judge(op!, answer(404, "application/problem+json", problem(404), { credentialed: true }), check).join(),
    /no-store/,
  );
  assert.deepEqual(
    judge(
      op!,
      answer(404, "application/problem+json", problem(404), {
        credentialed: true,
        headers: { ...secure, "cache-control": "no-store" },
      }),
      check,
    ),
    [],
  );
});
