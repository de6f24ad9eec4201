// The deploy-k3s scripts: shellcheck-clean, strict mode, --help, and a --dry-run that changes nothing.
// 03-deploy.sh's release kustomization (from its dry run) renders and pins every image by digest.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { images } from "./policy.ts";
import { DEPLOY, FAKE_DIGEST, kustomize, ROOT } from "./render.ts";

const SCRIPTS = join(DEPLOY, "scripts");
const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith(".sh"));
const entryPoints = scripts.filter((f) => /^\d\d-/.test(f));
const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

const DRY_RUN_ARGS: Record<string, string[]> = {
  "01-provision-node.sh": ["--peers", "203.0.113.2,203.0.113.3", "--ssh-key", "ssh-ed25519 AAAAtest deploy"],
  "02-install-k3s.sh": ["--join", "203.0.113.1", "--node-ip", "203.0.113.2", "--token-file", "/nonexistent"],
  "03-deploy.sh": [],
};

const runScript = (name: string, args: string[]) =>
  spawnSync("bash", [join(SCRIPTS, name), ...args], { cwd: ROOT, encoding: "utf8" });

test("the three scripts are there", () => {
  assert.deepEqual(entryPoints, Object.keys(DRY_RUN_ARGS));
});

test("shellcheck passes on every script", {
  skip: !hasShellcheck && process.env.CI !== "true" && "no shellcheck (bash .ci/setup-shellcheck.sh)",
}, () => {
  const files = [
    ...scripts.map((f) => join(SCRIPTS, f)),
    ...readdirSync(join(ROOT, ".ci"))
      .filter((f) => f.endsWith(".sh"))
      .map((f) => join(ROOT, ".ci", f)),
    join(DEPLOY, "test/images.sh"),
  ];
  execFileSync("shellcheck", ["-x", "--severity=style", ...files], { cwd: SCRIPTS, encoding: "utf8" });
});

for (const name of entryPoints) {
  test(`${name}: strict mode, --help, unknown options refused, --dry-run changes nothing`, () => {
    const text = readFileSync(join(SCRIPTS, name), "utf8");
    assert.match(text, /^#!\/usr\/bin\/env bash\n/);
    assert.match(text, /^set -euo pipefail$/m);
    const help = runScript(name, ["--help"]);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: /m);
    assert.match(help.stdout, /--dry-run/);
    assert.notEqual(runScript(name, ["--bogus"]).status, 0);
    const dry = runScript(name, [...DRY_RUN_ARGS[name]!, "--dry-run"]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /\[dry-run\] /);
    const status = execFileSync("git", ["status", "--porcelain", "--ignored", "deploy-k3s"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.doesNotMatch(status, /overlays\/release/, "a dry run writes nothing");
  });
}

test("01-provision-node.sh opens exactly the ports K3s HA, VXLAN and Traefik need", () => {
  const out = runScript("01-provision-node.sh", [
    ...DRY_RUN_ARGS["01-provision-node.sh"]!,
    "--dry-run",
  ]).stdout.replaceAll("\\", "");
  const rules = out.split("\n").filter((l) => /\] ufw allow /.test(l));
  const opened = new Set(
    rules.map((l) => /port (\S+)/.exec(l)?.[1] ?? /from (\S+)/.exec(l)?.[1] ?? /allow (\S+)/.exec(l)?.[1]),
  );
  assert.deepEqual([...opened].sort(), [
    "10.42.0.0/16",
    "10.43.0.0/16",
    "10250",
    "22/tcp",
    "2379:2380",
    "6443",
    "80,443",
    "8472",
  ]);
  for (const l of rules.filter((r) => /port (6443|2379:2380|10250|8472)/.test(r)))
    assert.match(l, /from 203\.0\.113\.[23] /, "cluster ports from the peers only");
  for (const l of rules.filter((r) => /port 80,443/.test(r))) assert.doesNotMatch(l, /from any/);
  assert.match(out, /ufw default deny incoming/);
  assert.match(out, /ip_unprivileged_port_start=0/);
  assert.match(out, /PasswordAuthentication no/);
});

test("03-deploy.sh --only api takes the single-service path: set image by digest, wait, no migration", () => {
  const out = runScript("03-deploy.sh", ["--only", "api", "--dry-run"]).stdout;
  assert.match(out, /--target api /);
  assert.doesNotMatch(out, /--target worker|job\/migrate/);
  assert.match(out, /set image deployment\/api api=gitea\.treytartt\.com\/admin\/honeydue-api@sha256:/);
  assert.match(out, /rollout status deployment\/api/);
  assert.notEqual(runScript("03-deploy.sh", ["--only", "redis", "--dry-run"]).status, 0);
});

test("03-deploy.sh migrates before it applies, and its release kustomization pins every image by digest", () => {
  const out = runScript("03-deploy.sh", ["--dry-run"]).stdout;
  const order = [
    "delete job migrate",
    "wait --for=condition=complete job/migrate",
    `apply -k ${join(DEPLOY, "overlays/release/app")}`,
    "rollout status deployment/api",
  ].map((s) => out.indexOf(s));
  assert.ok(
    order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)),
    "migrate, apply, wait",
  );
  const dir = mkdtempSync(join(DEPLOY, "overlays", ".test-release-"));
  try {
    for (const part of ["app", "migrate"]) {
      const block = new RegExp(
        `write \\S+/overlays/release/${part}/kustomization\\.yaml \\(mode 0644\\):\\n([\\s\\S]*?)\\n(?=\\[dry-run\\]|==>)`,
      ).exec(out);
      assert.ok(block, `the ${part} release kustomization`);
      mkdirSync(join(dir, part));
      writeFileSync(
        join(dir, part, "kustomization.yaml"),
        block[1]!.replace(/sha256:<digest-of-\w+>/g, FAKE_DIGEST),
      );
      const objects = kustomize(join(dir, part));
      assert.deepEqual(images(objects), [], `${part}: every image pinned`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
