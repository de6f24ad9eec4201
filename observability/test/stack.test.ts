/**
 * Checks the observability stack-as-code with the real tools (Debian packages
 * `prometheus` (promtool), `victoria-metrics` (victoria-metrics, vmagent, vmalert),
 * `nginx`, optionally `prometheus-alertmanager` (amtool)):
 *
 *  - promtool check rules / promtool test rules, vmalert -dryRun on the rules;
 *  - vmagent -dryRun on both scrape configs; amtool check-config;
 *  - Debian nginx started with the project's nginx.conf in front of a real
 *    VictoriaMetrics: a remote write with the token is stored and queryable,
 *    without (or with a wrong) token it gets 401; OTLP and log pushes are gated too;
 *  - vmagent scrapes a real createMetrics() server and remote-writes through nginx.
 *
 * Without the binaries every test SKIPS with the reason (laptops). CI runs
 * `bash .ci/observability.sh install` first and sets HONEYDUE_REQUIRE_OBS_STACK=1,
 * which turns a missing binary into a failure instead of a skip.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createMetrics } from "../../packages/observability/src/metrics.ts";
import { type MetricsServer, startMetricsServer } from "../../packages/observability/src/metrics-server.ts";
import { remoteWriteRequest } from "./remote-write.ts";
import { renderNginxConfig } from "./render-nginx.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const OBS = join(ROOT, "observability");
const run = promisify(execFile);

function which(...names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const name of names) {
    for (const dir of dirs) {
      if (!dir) continue;
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // keep looking
      }
    }
  }
  return undefined;
}

const bin = {
  promtool: which("promtool"),
  victoriaMetrics: which("victoria-metrics", "victoria-metrics-prod"),
  vmagent: which("vmagent", "vmagent-prod"),
  vmalert: which("vmalert", "vmalert-prod"),
  nginx: which("nginx"),
  amtool: which("amtool"),
};
const BINARY_NAMES: Record<keyof typeof bin, string> = {
  promtool: "promtool (Debian: prometheus)",
  victoriaMetrics: "victoria-metrics (Debian: victoria-metrics)",
  vmagent: "vmagent (Debian: victoria-metrics)",
  vmalert: "vmalert (Debian: victoria-metrics)",
  nginx: "nginx",
  amtool: "amtool (Debian: prometheus-alertmanager)",
};
const required = process.env.HONEYDUE_REQUIRE_OBS_STACK === "1";

/** `false` when all binaries exist, else the skip reason (or a failure when required). */
function needs(...names: (keyof typeof bin)[]): false | string {
  const missing = names.filter((n) => !bin[n]);
  if (missing.length === 0) return false;
  const reason = `missing binaries: ${missing.map((n) => BINARY_NAMES[n]).join(", ")} (install with: bash .ci/observability.sh install)`;
  if (required) {
    // Turned into a failing test below instead of a skip.
    return false;
  }
  return reason;
}
function assertPresent(...names: (keyof typeof bin)[]): void {
  const missing = names.filter((n) => !bin[n]);
  assert.deepEqual(missing, [], `HONEYDUE_REQUIRE_OBS_STACK=1 but missing: ${missing.join(", ")}`);
}

async function exec(file: string, args: string[], env?: Record<string, string>) {
  try {
    return await run(file, args, { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Spawns a long-running process we own; output is kept for failure messages. */
function startProcess(file: string, args: string[], env?: Record<string, string>) {
  const child: ChildProcess = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output = (output + String(d)).slice(-20_000);
  });
  child.stderr?.on("data", (d) => {
    output = (output + String(d)).slice(-20_000);
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(5_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    },
  };
}

describe("config checks with promtool / vmalert / vmagent / amtool", () => {
  it("promtool check rules", { skip: needs("promtool") }, async () => {
    if (required) assertPresent("promtool");
    const { stdout } = await exec(bin.promtool!, ["check", "rules", "observability/rules/alerts.yml"]);
    assert.match(stdout, /SUCCESS/);
  });

  it("promtool test rules (a unit test for every alert)", { skip: needs("promtool") }, async () => {
    if (required) assertPresent("promtool");
    const { stdout } = await exec(bin.promtool!, ["test", "rules", "observability/rules/alerts.test.yml"]);
    assert.match(stdout, /SUCCESS/);
  });

  it("vmalert -dryRun accepts the rules (MetricsQL)", { skip: needs("vmalert") }, async () => {
    if (required) assertPresent("vmalert");
    await exec(bin.vmalert!, ["-dryRun", "-rule=observability/rules/alerts.yml", "-loggerLevel=ERROR"]);
  });

  for (const file of ["deploy-k3s/base/vmagent/scrape.yml", "observability/vmagent/scrape.dev.yml"]) {
    it(`vmagent -dryRun -promscrape.config=${file}`, {
      skip: needs("vmagent"),
    }, async () => {
      if (required) assertPresent("vmagent");
      await exec(bin.vmagent!, [
        "-dryRun",
        `-promscrape.config=${file}`,
        "-promscrape.config.strictParse=true",
        "-loggerLevel=ERROR",
      ]);
    });
  }

  it("vmagent -dryRun rejects an unknown field (the check has teeth)", {
    skip: needs("vmagent"),
  }, async () => {
    if (required) assertPresent("vmagent");
    const dir = mkdtempSync(join(tmpdir(), "obs-vmagent-"));
    try {
      const bad = join(dir, "bad.yml");
      writeFileSync(
        bad,
        readFileSync(join(ROOT, "deploy-k3s/base/vmagent/scrape.yml"), "utf8").replace(
          "job_name:",
          "jobname:",
        ),
      );
      await assert.rejects(
        exec(bin.vmagent!, ["-dryRun", `-promscrape.config=${bad}`, "-loggerLevel=ERROR"]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("amtool check-config observability/alertmanager/alertmanager.yml", {
    skip: needs("amtool"),
  }, async () => {
    if (required) assertPresent("amtool");
    const { stdout } = await exec(bin.amtool!, [
      "check-config",
      "observability/alertmanager/alertmanager.yml",
    ]);
    assert.match(stdout, /SUCCESS/);
  });
});

interface Seen {
  path: string;
  authorization: string | undefined;
}

describe("nginx (project config) in front of a real VictoriaMetrics", {
  skip: needs("nginx", "victoriaMetrics"),
}, () => {
  const TOKEN_OLD = randomBytes(32).toString("hex");
  const TOKEN_NEW = randomBytes(32).toString("hex");
  let dir: string;
  let vm: ReturnType<typeof startProcess>;
  let nginx: ReturnType<typeof startProcess>;
  let vmUrl: string;
  let obsUrl: string;
  let stub: Server;
  const stubSeen: Seen[] = [];
  const nginxConf = () => join(dir, "nginx", "nginx.conf");

  before(async () => {
    if (required) assertPresent("nginx", "victoriaMetrics");
    dir = mkdtempSync(join(tmpdir(), "obs-stack-"));

    // Stand-in for Jaeger / VictoriaLogs / Grafana: records what nginx forwards.
    stub = createServer((req: IncomingMessage, res) => {
      stubSeen.push({ path: req.url ?? "", authorization: req.headers.authorization });
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("stub\n"));
    });
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;

    const vmPort = await freePort();
    vmUrl = `http://127.0.0.1:${vmPort}`;
    vm = startProcess(bin.victoriaMetrics!, [
      `-storageDataPath=${join(dir, "vm-data")}`,
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      "-retentionPeriod=1d",
      "-search.latencyOffset=0s",
      "-loggerLevel=ERROR",
    ]);
    await waitFor("VictoriaMetrics /health", async () => {
      const r = await fetch(`${vmUrl}/health`);
      return r.ok ? true : undefined;
    });

    const nginxPort = await freePort();
    obsUrl = `http://127.0.0.1:${nginxPort}`;
    const prefix = join(dir, "nginx");
    mkdirSync(prefix, { recursive: true });
    const tokensFile = join(prefix, "tokens.map");
    // Two valid tokens: the state during a rotation.
    writeFileSync(tokensFile, `"Bearer ${TOKEN_OLD}" 1;\n"Bearer ${TOKEN_NEW}" 1;\n`);
    writeFileSync(
      nginxConf(),
      renderNginxConfig(readFileSync(join(OBS, "nginx/nginx.conf"), "utf8"), {
        listen: `127.0.0.1:${nginxPort}`,
        backends: { victoriametrics: vmUrl, jaeger: stubUrl, victorialogs: stubUrl, grafana: stubUrl },
        tokensFile,
        prefix,
      }),
    );
    await exec(bin.nginx!, [
      "-t",
      "-q",
      "-p",
      `${prefix}/`,
      "-c",
      nginxConf(),
      "-e",
      join(prefix, "error.log"),
    ]);
    nginx = startProcess(bin.nginx!, [
      "-p",
      `${prefix}/`,
      "-c",
      nginxConf(),
      "-e",
      join(prefix, "error.log"),
      "-g",
      "daemon off;",
    ]);
    await waitFor("nginx", async () => {
      const r = await fetch(`${obsUrl}/nginx-health`);
      return r.ok ? true : undefined;
    });
  });

  after(async () => {
    await nginx?.stop();
    await vm?.stop();
    await new Promise<void>((r) => (stub ? stub.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (runId: string, value: number, authorization?: string) => {
    const { body, headers } = remoteWriteRequest([
      {
        labels: { __name__: "honeydue_ci_remote_write_probe", run: runId, job: "ci" },
        samples: [{ value, timestampMs: Date.now() }],
      },
    ]);
    return fetch(`${obsUrl}/api/v1/write`, {
      method: "POST",
      body,
      headers: { ...headers, ...(authorization ? { authorization } : {}) },
    });
  };

  const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    // Make just-ingested samples searchable now instead of after the next background flush.
    await fetch(`${vmUrl}/internal/force_flush`);
    const r = await fetch(`${vmUrl}/api/v1/query?nocache=1&query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, await r.clone().text());
    const json = (await r.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return json.data.result;
  };

  it("rendered config passes nginx -t", async () => {
    const { stderr } = await exec(bin.nginx!, [
      "-t",
      "-p",
      `${join(dir, "nginx")}/`,
      "-c",
      nginxConf(),
      "-e",
      join(dir, "nginx", "error.log"),
    ]);
    assert.match(stderr, /test is successful/);
  });

  it("accepts a remote write with the token and the series can be queried back", async () => {
    const runId = randomUUID();
    const res = await write(runId, 42.5, `Bearer ${TOKEN_NEW}`);
    assert.ok(res.status >= 200 && res.status < 300, `status ${res.status}: ${await res.text()}`);
    const result = await waitFor("the written series in VictoriaMetrics", async () => {
      const r = await query(`honeydue_ci_remote_write_probe{run="${runId}"}`);
      return r.length > 0 ? r : undefined;
    });
    assert.equal(result.length, 1);
    assert.equal(result[0]?.value[1], "42.5");
    assert.equal(result[0]?.metric.job, "ci");
  });

  it("accepts the previous token too while both are listed (rotation)", async () => {
    const runId = randomUUID();
    const res = await write(runId, 7, `Bearer ${TOKEN_OLD}`);
    assert.ok(res.status >= 200 && res.status < 300, `status ${res.status}`);
    await waitFor("the series written with the old token", async () => {
      const r = await query(`honeydue_ci_remote_write_probe{run="${runId}"}`);
      return r.length > 0 ? r : undefined;
    });
  });

  it("refuses a remote write without a token, or with a wrong one, with 401", async () => {
    const runId = randomUUID();
    for (const auth of [
      undefined,
      "Bearer wrong",
      `Bearer ${TOKEN_NEW}x`,
      `Basic ${Buffer.from(`u:${TOKEN_NEW}`).toString("base64")}`,
      TOKEN_NEW,
    ]) {
      const res = await write(runId, 1, auth);
      assert.equal(res.status, 401, `authorization=${auth}`);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm="obs"/);
    }
    // A control sample written with the token after the refused ones: once it is
    // searchable, the refused ones would be too, had they landed.
    const control = randomUUID();
    assert.ok((await write(control, 1, `Bearer ${TOKEN_NEW}`)).ok);
    await waitFor("the control series", async () => {
      const r = await query(`honeydue_ci_remote_write_probe{run="${control}"}`);
      return r.length > 0 ? r : undefined;
    });
    assert.deepEqual(await query(`honeydue_ci_remote_write_probe{run="${runId}"}`), []);
  });

  it("does not expose VictoriaMetrics' query or import APIs", async () => {
    const before = stubSeen.length;
    const get = await fetch(`${obsUrl}/api/v1/write`, { headers: { authorization: `Bearer ${TOKEN_NEW}` } });
    assert.equal(get.status, 403);
    // Anything else goes to Grafana (here: the stub), never to VictoriaMetrics.
    const q = await fetch(`${obsUrl}/api/v1/query?query=up`);
    assert.equal(await q.text(), "stub\n");
    assert.equal(stubSeen.length, before + 1);
  });

  it("gates OTLP traces and log pushes with the same tokens and strips Authorization upstream", async () => {
    for (const path of [
      "/v1/traces",
      "/insert/jsonline",
      "/insert/loki/api/v1/push",
      "/insert/elasticsearch/_bulk",
    ]) {
      const denied = await fetch(`${obsUrl}${path}`, { method: "POST", body: "{}" });
      assert.equal(denied.status, 401, path);
      const before = stubSeen.length;
      const ok = await fetch(`${obsUrl}${path}`, {
        method: "POST",
        body: "{}",
        headers: { authorization: `Bearer ${TOKEN_OLD}` },
      });
      assert.equal(ok.status, 200, path);
      assert.equal(stubSeen.length, before + 1);
      assert.equal(stubSeen.at(-1)?.path, path);
      assert.equal(stubSeen.at(-1)?.authorization, undefined);
    }
    assert.equal((await fetch(`${obsUrl}/insert/other`, { method: "POST", body: "{}" })).status, 404);
  });

  describe("vmagent end to end", { skip: needs("vmagent") }, () => {
    let api: MetricsServer;
    let worker: MetricsServer;
    let agent: ReturnType<typeof startProcess>;

    before(async () => {
      if (required) assertPresent("vmagent");
      const apiMetrics = createMetrics("api");
      apiMetrics.startHttpRequest("GET")("/tasks/:id", 200);
      apiMetrics.startHttpRequest("GET")("/tasks/:id", 500);
      const workerMetrics = createMetrics("worker");
      workerMetrics.setOutboxStatsSource(() => ({ backlog: 3, oldestAgeSeconds: 12 }));
      workerMetrics.setQueueStatsSource(() => ({ email: { waiting: 4 } }));
      workerMetrics.observeJob("email", "send-email", "completed", 0.2);
      api = await startMetricsServer({ port: 0, host: "127.0.0.1", registry: apiMetrics.registry });
      worker = await startMetricsServer({ port: 0, host: "127.0.0.1", registry: workerMetrics.registry });

      const tokenFile = join(dir, "remote-write-token");
      writeFileSync(tokenFile, `${TOKEN_NEW}\n`);
      agent = startProcess(
        bin.vmagent!,
        [
          "-promscrape.config=observability/vmagent/scrape.dev.yml",
          `-remoteWrite.url=${obsUrl}/api/v1/write`,
          `-remoteWrite.bearerTokenFile=${tokenFile}`,
          `-remoteWrite.tmpDataPath=${join(dir, "vmagent-data")}`,
          "-remoteWrite.flushInterval=1s",
          `-httpListenAddr=127.0.0.1:${await freePort()}`,
          "-loggerLevel=ERROR",
        ],
        {
          HONEYDUE_API_METRICS: `127.0.0.1:${api.port}`,
          HONEYDUE_WORKER_METRICS: `127.0.0.1:${worker.port}`,
        },
      );
    });

    after(async () => {
      await agent?.stop();
      await api?.close();
      await worker?.close();
    });

    it("scrapes both roles and the series arrive in VictoriaMetrics with the dashboard labels", async () => {
      const requests = await waitFor(
        "http_requests_total from the api role",
        async () => {
          const r = await query(
            `http_requests_total{job="honeydue-pods",namespace="honeydue",pod="api-dev"}`,
          );
          return r.length >= 2 ? r : undefined;
        },
        30_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\nvmagent output:\n${agent.output()}`);
      });
      const byStatus = Object.fromEntries(requests.map((s) => [s.metric.status_code, s]));
      assert.equal(byStatus["500"]?.metric.route, "/tasks/:id");
      assert.equal(byStatus["500"]?.metric.role, "api");
      assert.equal(byStatus["200"]?.value[1], "1");

      const outbox = await waitFor("outbox gauges from the worker role", async () => {
        const r = await query(`outbox_oldest_age_seconds{pod="worker-dev",role="worker"}`);
        return r.length > 0 ? r : undefined;
      });
      assert.equal(outbox[0]?.value[1], "12");
      const up = await query(`up{namespace="honeydue"}`);
      assert.deepEqual(up.map((s) => s.value[1]).sort(), ["1", "1"]);
    });
  });
});

describe("vmagent applies scrape.yml's pod relabeling", { skip: needs("vmagent") }, () => {
  let dir: string;
  let agent: ReturnType<typeof startProcess>;
  let metrics: MetricsServer;
  let agentUrl: string;

  /** scrape.yml with kubernetes_sd_configs swapped for static targets carrying the same __meta labels. */
  function withStaticPods(scrapeYml: string, metricsPort: number): string {
    const pod = (address: string, meta: Record<string, string>) =>
      [
        `      - targets: ["${address}"]`,
        "        labels:",
        ...Object.entries({
          __meta_kubernetes_namespace: "honeydue",
          __meta_kubernetes_pod_phase: "Running",
          __meta_kubernetes_pod_node_name: "hetzner1",
          __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
          __meta_kubernetes_pod_annotation_prometheus_io_port: String(metricsPort),
          ...meta,
        }).map(([k, v]) => `          ${k}: "${v}"`),
      ].join("\n");
    const statics = [
      "    static_configs:",
      // api pod: two container ports -> one target on the annotated port.
      pod("127.0.0.1:3000", {
        __meta_kubernetes_pod_name: "api-7f9c",
        __meta_kubernetes_pod_label_app: "api",
        __meta_kubernetes_pod_annotation_prometheus_io_path: "/metrics",
      }),
      pod("127.0.0.1:3001", {
        __meta_kubernetes_pod_name: "api-7f9c",
        __meta_kubernetes_pod_label_app: "api",
        __meta_kubernetes_pod_annotation_prometheus_io_path: "/metrics",
      }),
      // not opted in, and not running: dropped.
      pod("127.0.0.2:3000", {
        __meta_kubernetes_pod_name: "redis-0",
        __meta_kubernetes_pod_annotation_prometheus_io_scrape: "false",
      }),
      pod("127.0.0.3:3000", {
        __meta_kubernetes_pod_name: "api-old",
        __meta_kubernetes_pod_phase: "Succeeded",
      }),
    ].join("\n");
    const replaced = scrapeYml.replace(/^ {4}kubernetes_sd_configs:\n(?: {6,}.*\n)+/m, `${statics}\n`);
    assert.notEqual(
      replaced,
      scrapeYml,
      "scrape.yml no longer has the kubernetes_sd_configs block this test replaces",
    );
    return replaced;
  }

  before(async () => {
    if (required) assertPresent("vmagent");
    dir = mkdtempSync(join(tmpdir(), "obs-relabel-"));
    const m = createMetrics("api");
    m.startHttpRequest("GET")("/health", 200);
    metrics = await startMetricsServer({ port: 0, host: "127.0.0.1", registry: m.registry });
    const config = join(dir, "scrape.yml");
    writeFileSync(
      config,
      withStaticPods(
        readFileSync(join(ROOT, "deploy-k3s/base/vmagent/scrape.yml"), "utf8"),
        metrics.port,
      ).replace("scrape_interval: 15s", "scrape_interval: 1s"),
    );
    const port = await freePort();
    agentUrl = `http://127.0.0.1:${port}`;
    agent = startProcess(bin.vmagent!, [
      `-promscrape.config=${config}`,
      "-remoteWrite.url=http://127.0.0.1:9/api/v1/write",
      `-remoteWrite.tmpDataPath=${join(dir, "buffer")}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-loggerLevel=ERROR",
    ]);
  });

  after(async () => {
    await agent?.stop();
    await metrics?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps one target per annotated running pod, on the annotated port, with the dashboard labels", async () => {
    type Target = { labels: Record<string, string>; scrapeUrl: string; health: string };
    const targets = await waitFor(
      "a healthy target in vmagent",
      async () => {
        const r = await fetch(`${agentUrl}/api/v1/targets`);
        const json = (await r.json()) as { data: { activeTargets: Target[] } };
        const t = json.data.activeTargets;
        return t.length > 0 && t.every((x) => x.health === "up") ? t : undefined;
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nvmagent output:\n${agent.output()}`);
    });
    assert.equal(targets.length, 1, JSON.stringify(targets));
    const [t] = targets;
    assert.equal(t?.scrapeUrl, `http://127.0.0.1:${metrics.port}/metrics`);
    assert.deepEqual(
      { ...t?.labels },
      {
        app: "api",
        cluster: "honeydue-k3s", // external label
        instance: `127.0.0.1:${metrics.port}`,
        job: "honeydue-pods",
        namespace: "honeydue",
        node: "hetzner1",
        pod: "api-7f9c",
      },
    );
  });
});
