// Policy checks (kube-score's and Polaris's defaults, and honeyDue's own) on the production release, and
// for each check a fixture that breaks it: the check must fail there, so it can fail at all.
import assert from "node:assert/strict";
import { describe as group, test } from "node:test";
import { CHECKS, type Check, mebibytes, workloads } from "./policy.ts";
import { type K8sObject, renderRelease } from "./render.ts";
import { cloudflareRanges } from "./traefik.ts";

// biome-ignore lint/suspicious/noExplicitAny: fixtures poke at manifests
type Any = any;

const release = [...renderRelease("production"), ...renderRelease("production/migrate")];
const find = (objects: K8sObject[], kind: string, name: string): Any => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} in the render`);
  return found;
};
const container = (objects: K8sObject[], kind: string, name: string): Any =>
  find(objects, kind, name).spec.template.spec.containers[0];

/** Each check's failing fixture: a copy of the release with one thing broken. */
const FIXTURES: Record<keyof typeof CHECKS, (objects: K8sObject[]) => void> = {
  probes: (o) => {
    delete container(o, "Deployment", "worker").readinessProbe;
  },
  appProbeEndpoints: (o) => {
    container(o, "Deployment", "api").livenessProbe.httpGet.path = "/readyz";
  },
  resources: (o) => {
    delete container(o, "StatefulSet", "redis").resources.limits;
  },
  securityContext: (o) => {
    container(o, "Deployment", "api").securityContext.readOnlyRootFilesystem = false;
  },
  images: (o) => {
    container(o, "Deployment", "api").image = "gitea.treytartt.com/admin/honeydue-api:latest";
  },
  disruptionBudgets: (o) => {
    o.splice(o.indexOf(find(o, "PodDisruptionBudget", "api")), 1);
  },
  spread: (o) => {
    delete find(o, "Deployment", "api").spec.template.spec.topologySpreadConstraints;
  },
  rollingUpdates: (o) => {
    find(o, "Deployment", "api").spec.strategy.rollingUpdate.maxUnavailable = 1;
  },
  networkPolicies: (o) => {
    o.splice(o.indexOf(find(o, "NetworkPolicy", "redis")), 1);
  },
  gracePeriods: (o) => {
    find(o, "Deployment", "api").spec.template.spec.terminationGracePeriodSeconds = 30;
  },
  noPlainSecrets: (o) => {
    container(o, "Deployment", "worker").env.push({ name: "AUTH_SECRET", value: "x".repeat(40) });
  },
  wiring: (o) => {
    find(o, "Service", "api").spec.ports.push({ name: "metrics", port: 9464, targetPort: "metrics" });
  },
};

group("policy", () => {
  for (const [name, check] of Object.entries(CHECKS) as [keyof typeof CHECKS, Check][]) {
    test(`${name}: the production release passes, its failing fixture fails`, () => {
      assert.deepEqual(check(release), [], "production release");
      const broken = structuredClone(release);
      FIXTURES[name](broken);
      assert.notDeepEqual(check(broken), [], `the ${name} fixture must fail`);
    });
  }
});

test("further fixtures: a second way to break the security, image and network checks", () => {
  const cases: [Check, (o: K8sObject[]) => void][] = [
    [
      CHECKS.securityContext,
      (o) => (find(o, "Deployment", "worker").spec.template.spec.automountServiceAccountToken = true),
    ],
    [
      CHECKS.securityContext,
      (o) => container(o, "StatefulSet", "redis").securityContext.capabilities.drop.pop(),
    ],
    [
      CHECKS.securityContext,
      (o) => (find(o, "Job", "migrate").spec.template.spec.securityContext.runAsUser = 0),
    ],
    [CHECKS.images, (o) => (container(o, "Deployment", "vmagent").image = "victoriametrics/vmagent")],
    [CHECKS.networkPolicies, (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "default-deny")), 1)],
    [CHECKS.noPlainSecrets, (o) => o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } })],
  ];
  for (const [check, breakIt] of cases) {
    const broken = structuredClone(release);
    breakIt(broken);
    assert.notDeepEqual(check(broken), []);
  }
});

test("TRUST_PROXY lets the API see the client: the nodes, the pod network and every Cloudflare range", () => {
  const config = release.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("honeydue-config"));
  const trusted = String((config as Any).data.TRUST_PROXY).split(",");
  for (const range of [...cloudflareRanges(), "10.42.0.0/16"]) assert.ok(trusted.includes(range), range);
  const policy = find(release, "NetworkPolicy", "api");
  const nodes = policy.spec.ingress[0].from
    .map((f: Any) => f.ipBlock.cidr.replace(/\/32$/, ""))
    .filter((a: string) => !a.startsWith("10.42."));
  assert.equal(nodes.length, 3);
  for (const node of nodes) assert.ok(trusted.includes(node), `node ${node}`);
});

test("the memory budget: requests and limits of the app stack (docs/ops/09-cost-and-budget.md)", () => {
  let requests = 0;
  let limits = 0;
  // The app stack: everything but the migrate Job and vmagent (observability, budgeted on its own).
  for (const w of workloads(release).filter(
    (w) => w.object.kind !== "Job" && w.object.metadata.name !== "vmagent",
  ))
    for (const c of w.pod.containers) {
      requests += mebibytes(c.resources.requests.memory) * w.replicas;
      limits += mebibytes(c.resources.limits.memory) * w.replicas;
    }
  // The figures docs/ops/09 states; a change to a pod's size must update the budget there too.
  assert.equal(requests, BUDGET.requestsMiB, "requests (MiB)");
  assert.equal(limits, BUDGET.limitsMiB, "limits (MiB)");
  // Whatever happens, the stack fits on two of the three 8 GB nodes (one node lost).
  assert.ok(limits <= 2 * 7 * 1024);
});

const BUDGET = { requestsMiB: 1952, limitsMiB: 3072 };
