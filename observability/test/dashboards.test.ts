/**
 * The dashboards' and alert rules' queries may only name metrics (and label
 * names) that the code really exports: createMetrics() for both roles with every
 * stats source attached, prom-client defaults, and the per-target series
 * vmagent/VictoriaMetrics synthesize (`up`, `scrape_*`).
 * Also: every alert has a firing and a quiet promtool unit test, and every
 * dashboard panel uses a provisioned datasource.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { createMetrics } from "../../packages/observability/src/metrics.ts";

const OBS = resolve(import.meta.dirname, "..");

/** Labels vmagent attaches to every scraped series (scrape.yml relabeling + external labels). */
const TARGET_LABELS = ["job", "instance", "namespace", "pod", "node", "app", "cluster"];
/** Series vmagent generates per scrape target. */
const SYNTHETIC = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
  "scrape_timeout_seconds",
];

interface Known {
  labels: Set<string>;
}

/** metric name (including _bucket/_sum/_count) -> allowed label names. */
async function exportedMetrics(): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  for (const role of ["api", "worker"] as const) {
    const m = createMetrics(role);
    m.setPoolStatsSource(() => ({ total: 1, idle: 1, waiting: 0 }));
    m.setQueueStatsSource(() => ({ q: {} }));
    m.setOutboxStatsSource(() => ({ backlog: 0, oldestAgeSeconds: 0 }));
    for (const metric of await m.registry.getMetricsAsJSON()) {
      const raw = m.registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] };
      const labels = new Set([...(raw.labelNames ?? []), "role", ...TARGET_LABELS]);
      const type = String(metric.type);
      const names =
        type === "histogram"
          ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
          : type === "summary"
            ? [metric.name, `${metric.name}_sum`, `${metric.name}_count`]
            : [metric.name];
      for (const name of names) {
        const l = new Set(labels);
        if (name.endsWith("_bucket")) l.add("le");
        if (type === "summary" && name === metric.name) l.add("quantile");
        known.set(name, { labels: l });
      }
    }
  }
  for (const name of SYNTHETIC) known.set(name, { labels: new Set(TARGET_LABELS) });
  return known;
}

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

/** Metric selectors in a PromQL/MetricsQL expression: name and the label names it matches on. */
export function selectors(expr: string): { metric: string; labels: string[] }[] {
  let e = expr;
  // Grafana's label_values(metric{...}, label): only the first argument is a selector.
  e = e.replace(/label_values\(\s*([^,()]+?)\s*,\s*\w+\s*\)/g, "$1");
  // Range/subquery durations, including Grafana variables like [$__rate_interval].
  e = e.replace(/\[[^\]]*\]/g, "");
  // Grouping/matching modifiers name labels, not metrics.
  e = e.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const out: { metric: string; labels: string[] }[] = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{[^}]*\})?/g;
  for (const m of e.matchAll(re)) {
    const [whole, name, matchers] = m;
    if (!whole?.trim()) {
      re.lastIndex += whole ? 0 : 1;
      continue;
    }
    const rest = e.slice((m.index ?? 0) + whole.length);
    if (name && !matchers && /^\s*\(/.test(rest)) continue; // function call
    if (name && KEYWORDS.has(name.toLowerCase())) continue;
    // Identifiers glued to a digit (1e7, 0.5) are numbers, not names.
    const before = e.slice(0, m.index ?? 0);
    if (name && /[0-9.]$/.test(before)) continue;
    const labels = [...(matchers ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
      (l) => l[1]!,
    );
    if (!name && matchers) {
      const n = /__name__\s*=\s*"([^"]+)"/.exec(matchers)?.[1];
      if (n) out.push({ metric: n, labels: labels.filter((l) => l !== "__name__") });
      else throw new Error(`selector without a metric name in: ${expr}`);
      continue;
    }
    if (name) out.push({ metric: name, labels });
  }
  return out;
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { uid?: string; type?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: {
    list: { name: string; datasource?: { uid?: string }; query?: { query?: string } | string }[];
  };
}

const dashboardsDir = join(OBS, "grafana/dashboards");
const dashboardFiles = readdirSync(dashboardsDir).filter((f) => f.endsWith(".json"));
const dashboards = dashboardFiles.map((f) => ({
  file: f,
  json: JSON.parse(readFileSync(join(dashboardsDir, f), "utf8")) as Dashboard,
}));

/** All PromQL expressions of a dashboard with a human-readable location. */
function promQueries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      if (p.panels) walk(p.panels);
      for (const t of p.targets ?? []) {
        const uid = t.datasource?.uid ?? p.datasource?.uid;
        if (uid === "victoriametrics" && t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      }
    }
  };
  walk(d.panels);
  for (const v of d.templating?.list ?? []) {
    const q = typeof v.query === "string" ? v.query : v.query?.query;
    if (v.datasource?.uid === "victoriametrics" && q) out.push({ where: `variable $${v.name}`, expr: q });
  }
  return out;
}

/** `- alert: Name` + `expr:` (inline or `|` block) from alerts.yml, without a YAML dependency. */
function alertRules(): { alert: string; expr: string }[] {
  const lines = readFileSync(join(OBS, "rules/alerts.yml"), "utf8").split("\n");
  const out: { alert: string; expr: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const a = /^\s*- alert:\s*(\S+)\s*$/.exec(lines[i]!);
    if (!a) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*expr:/.test(lines[j]!)) j++;
    const inline = /^(\s*)expr:\s*(.*)$/.exec(lines[j] ?? "");
    assert.ok(inline, `no expr for alert ${a[1]}`);
    let expr = inline[2]!;
    if (expr === "|" || expr === ">") {
      const indent = inline[1]!.length;
      const body: string[] = [];
      for (j = j + 1; j < lines.length; j++) {
        const l = lines[j]!;
        if (l.trim() !== "" && l.length - l.trimStart().length <= indent) break;
        body.push(l.trim());
      }
      expr = body.join(" ");
    }
    out.push({ alert: a[1]!, expr: expr.replace(/^'(.*)'$/, "$1") });
  }
  return out;
}

describe("dashboards and alerts name only exported metrics", () => {
  it("finds the four dashboards", () => {
    assert.deepEqual(dashboardFiles.sort(), [
      "honeydue-api.json",
      "honeydue-delivery.json",
      "honeydue-jobs.json",
      "honeydue-runtime.json",
    ]);
    assert.equal(
      new Set(dashboards.map((d) => d.json.uid)).size,
      dashboards.length,
      "dashboard uids are unique",
    );
  });

  it("the selector extractor understands the query shapes we use", () => {
    assert.deepEqual(
      selectors(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{role="api", route=~"$route"}[$__rate_interval]))) > 0.5 and up == 0',
      ),
      [
        { metric: "http_request_duration_seconds_bucket", labels: ["role", "route"] },
        { metric: "up", labels: [] },
      ],
    );
    assert.deepEqual(selectors('label_values(jobs_total{queue="x"}, queue)'), [
      { metric: "jobs_total", labels: ["queue"] },
    ]);
    assert.deepEqual(selectors("absent(outbox_backlog) * 1e3"), [{ metric: "outbox_backlog", labels: [] }]);
  });

  for (const { file, json } of dashboards) {
    it(`${file}: every query names exported metrics and labels`, async () => {
      const known = await exportedMetrics();
      const queries = promQueries(json);
      assert.ok(queries.length > 0, "no queries found");
      for (const { where, expr } of queries) {
        const sels = selectors(expr);
        assert.ok(sels.length > 0, `${where}: no metric in ${expr}`);
        for (const s of sels) {
          const k = known.get(s.metric);
          assert.ok(k, `${file} ${where}: metric ${s.metric} is not exported by createMetrics() (${expr})`);
          for (const l of s.labels) {
            assert.ok(k.labels.has(l), `${file} ${where}: ${s.metric} has no label "${l}" (${expr})`);
          }
        }
      }
    });

    it(`${file}: panel ids are unique and panels do not overlap`, () => {
      type P = Panel & { id?: number; gridPos?: { x: number; y: number; w: number; h: number } };
      const all: P[] = [];
      const walk = (panels: P[]) => {
        for (const p of panels) {
          all.push(p);
          if (p.panels) walk(p.panels as P[]);
        }
      };
      walk(json.panels as P[]);
      const ids = all.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, "duplicate panel ids");
      const cells = new Set<string>();
      for (const p of all) {
        const g = p.gridPos;
        assert.ok(g && g.x + g.w <= 24, `panel "${p.title}" gridPos`);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            assert.ok(!cells.has(`${x},${y}`), `panel "${p.title}" overlaps another at ${x},${y}`);
            cells.add(`${x},${y}`);
          }
        }
      }
    });

    it(`${file}: every panel uses a provisioned datasource`, () => {
      const provisioned = readFileSync(join(OBS, "grafana/provisioning/datasources/datasources.yml"), "utf8");
      const uids = new Set([...provisioned.matchAll(/^\s+uid:\s*(\S+)/gm)].map((m) => m[1]));
      const walk = (panels: Panel[]) => {
        for (const p of panels) {
          if (p.panels) walk(p.panels);
          if (p.type === "row") continue;
          assert.ok(p.datasource?.uid && uids.has(p.datasource.uid), `panel "${p.title}" datasource`);
          for (const t of p.targets ?? []) {
            assert.ok(
              !t.datasource?.uid || uids.has(t.datasource.uid),
              `panel "${p.title}" target datasource`,
            );
          }
        }
      };
      walk(json.panels);
    });
  }

  it("alert rules name exported metrics and labels", async () => {
    const known = await exportedMetrics();
    const rules = alertRules();
    assert.ok(rules.length >= 7, `only ${rules.length} alerts parsed`);
    for (const { alert, expr } of rules) {
      for (const s of selectors(expr)) {
        const k = known.get(s.metric);
        assert.ok(k, `alert ${alert}: metric ${s.metric} is not exported (${expr})`);
        for (const l of s.labels)
          assert.ok(k.labels.has(l), `alert ${alert}: ${s.metric} has no label "${l}"`);
      }
    }
  });

  it("the issue's alert list is covered", () => {
    const names = new Set(alertRules().map((r) => r.alert));
    for (const a of [
      "ApiHigh5xxRatio",
      "ApiHighLatencyP95",
      "QueueBacklogHigh",
      "OutboxStale",
      "JobFailureRateHigh",
      "TargetDown",
      "NoMetricsFromCluster",
    ]) {
      assert.ok(names.has(a), a);
    }
  });

  it("every alert has a firing and a quiet case in alerts.test.yml", () => {
    const lines = readFileSync(join(OBS, "rules/alerts.test.yml"), "utf8").split("\n");
    const firing = new Set<string>();
    const quiet = new Set<string>();
    let current: string | undefined;
    for (const line of lines) {
      const a = /^\s*alertname:\s*(\S+)\s*$/.exec(line);
      if (a) current = a[1];
      const e = /^\s*exp_alerts:\s*(.*)$/.exec(line);
      if (e && current) {
        (e[1]?.trim() === "[]" ? quiet : firing).add(current);
        current = undefined;
      }
    }
    for (const { alert } of alertRules()) {
      assert.ok(firing.has(alert), `${alert} has no firing case`);
      assert.ok(quiet.has(alert), `${alert} has no quiet case`);
    }
  });

  it("every alert links to a runbook section that exists", () => {
    const doc = readFileSync(resolve(OBS, "../docs/observability.md"), "utf8");
    const anchors = new Set(
      [...doc.matchAll(/^#+\s+(.*)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-"),
      ),
    );
    const text = readFileSync(join(OBS, "rules/alerts.yml"), "utf8");
    for (const m of text.matchAll(/runbook:\s*"docs\/observability\.md#([^"]+)"/g)) {
      assert.ok(anchors.has(m[1]!), `docs/observability.md has no section #${m[1]}`);
    }
  });
});
