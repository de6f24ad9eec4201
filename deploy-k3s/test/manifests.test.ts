// Every kustomization renders with `kubectl kustomize`, and every object it yields is valid against the
// Kubernetes API schemas with unknown fields rejected. Also the K3s-side files (Traefik, K3s config).
import assert from "node:assert/strict";
import { describe as group, test } from "node:test";
import { DEPLOY, describe, type K8sObject, kustomize, renderRelease, validateStrict } from "./render.ts";
import {
  helmChartConfigProblems,
  k3sConfigProblems,
  readK3sConfig,
  readTraefikConfig,
  traefikProblems,
  traefikValues,
} from "./traefik.ts";

const KUSTOMIZATIONS = ["base", "migrate", "overlays/production", "overlays/production/migrate"];

async function assertValid(objects: K8sObject[]) {
  assert.ok(objects.length > 0, "rendered nothing");
  for (const object of objects) {
    assert.deepEqual(await validateStrict(object), [], describe(object));
  }
}

group("kustomizations render and validate", () => {
  for (const dir of KUSTOMIZATIONS) {
    test(`kubectl kustomize deploy-k3s/${dir}`, async () => {
      await assertValid(kustomize(`${DEPLOY}/${dir}`));
    });
  }
  test("the production release (images pinned by digest, as 03-deploy.sh renders it)", async () => {
    await assertValid(renderRelease("production"));
    await assertValid(renderRelease("production/migrate"));
  });
});

test("the schema check has teeth: an unknown field, a wrong type and a missing field fail", async () => {
  const [deployment] = kustomize(`${DEPLOY}/base`).filter((o) => o.kind === "Deployment");
  const unknown = structuredClone(deployment!);
  unknown.spec.template.spec.containers[0].imagePullPolicyy = "Always";
  assert.match((await validateStrict(unknown)).join(), /containers\/0\/imagePullPolicyy: unknown field/);
  const wrongType = structuredClone(deployment!);
  wrongType.spec.replicas = "three";
  assert.match((await validateStrict(wrongType)).join(), /\/spec\/replicas/);
  const missing = structuredClone(deployment!);
  delete missing.spec.template.spec.containers[0].name;
  assert.match((await validateStrict(missing)).join(), /name/);
  const unknownTop = { ...structuredClone(deployment!), specs: {} };
  assert.match((await validateStrict(unknownTop)).join(), /\/specs: unknown field/);
});

test("Traefik's HelmChartConfig: the CRD's fields, a DaemonSet on the host ports behind Cloudflare", () => {
  const config = readTraefikConfig();
  assert.deepEqual(helmChartConfigProblems(config), []);
  assert.deepEqual(traefikProblems(traefikValues(config)), []);
});

test("Traefik checks fail on a surge update, a redirect, a LoadBalancer and a drifted trust list", () => {
  const config = readTraefikConfig();
  assert.match(helmChartConfigProblems({ ...config, spec: { ...config.spec, values: {} } }).join(), /values/);
  const values = () => traefikValues(config);
  const surge = values();
  surge.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge: 1 };
  assert.match(traefikProblems(surge).join(), /deadlock/);
  const redirect = values();
  redirect.ports.web.redirections = { entryPoint: { to: "websecure", scheme: "https" } };
  assert.match(traefikProblems(redirect).join(), /loop/);
  const lb = values();
  lb.service.enabled = true;
  assert.match(traefikProblems(lb).join(), /LoadBalancer/);
  const drift = values();
  drift.ports.web.forwardedHeaders.trustedIPs.pop();
  assert.match(traefikProblems(drift).join(), /cloudflare-ips/);
  const insecure = values();
  insecure.ports.websecure.forwardedHeaders.insecure = true;
  assert.match(traefikProblems(insecure).join(), /anyone/);
});

test("the K3s server config: servicelb off, Traefik on, etcd snapshots; a typo'd flag fails", () => {
  const config = readK3sConfig();
  assert.deepEqual(k3sConfigProblems(config), []);
  assert.match(k3sConfigProblems({ ...config, "etcd-snapshot-retension": 3 }).join(), /retension/);
  assert.match(k3sConfigProblems({ ...config, disable: ["traefik"] }).join(), /servicelb/);
});
