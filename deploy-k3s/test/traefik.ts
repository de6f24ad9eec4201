// The K3s-side files: Traefik's HelmChartConfig and the K3s server config.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEPLOY } from "./render.ts";

// biome-ignore lint/suspicious/noExplicitAny: chart values are free-form
export type Any = any;

export const cloudflareRanges = (): string[] =>
  readFileSync(join(DEPLOY, "cloudflare-ips.txt"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

export const readTraefikConfig = (): Any =>
  parse(readFileSync(join(DEPLOY, "k3s/traefik-config.yaml"), "utf8"));
export const traefikValues = (config: Any): Any => parse(config.spec.valuesContent);

/** HelmChartConfig (helm.cattle.io/v1) as K3s' CRD defines it: unknown fields rejected. */
export function helmChartConfigProblems(config: Any): string[] {
  const problems: string[] = [];
  const allowed = (obj: Any, keys: string[], at: string) => {
    for (const k of Object.keys(obj ?? {})) if (!keys.includes(k)) problems.push(`${at}/${k}: unknown field`);
  };
  allowed(config, ["apiVersion", "kind", "metadata", "spec"], "");
  if (config.apiVersion !== "helm.cattle.io/v1" || config.kind !== "HelmChartConfig")
    problems.push("not a helm.cattle.io/v1 HelmChartConfig");
  allowed(config.metadata, ["name", "namespace", "labels", "annotations"], "/metadata");
  allowed(config.spec, ["valuesContent", "valuesSecrets", "failurePolicy"], "/spec");
  if (typeof config.spec?.valuesContent !== "string") problems.push("/spec/valuesContent must be a string");
  return problems;
}

/** What the Traefik values must say for hostNetwork behind Cloudflare (docs/ops/04-ingress-cloudflare.md). */
export function traefikProblems(values: Any): string[] {
  const problems: string[] = [];
  if (values.deployment?.kind !== "DaemonSet") problems.push("Traefik is not a DaemonSet");
  if (values.hostNetwork !== true) problems.push("Traefik is not on the host network");
  const ru = values.updateStrategy?.rollingUpdate;
  if (values.updateStrategy?.type !== "RollingUpdate" || ru?.maxSurge !== 0 || !(ru?.maxUnavailable >= 1))
    problems.push(
      "Traefik's update strategy can deadlock on the host ports (needs maxSurge 0, maxUnavailable 1)",
    );
  if (values.service?.enabled !== false) problems.push("Traefik still gets a LoadBalancer Service");
  const ranges = cloudflareRanges();
  for (const name of ["web", "websecure"]) {
    const port = values.ports?.[name];
    if (!port) {
      problems.push(`no ${name} entrypoint`);
      continue;
    }
    if (port.redirectTo || port.redirections || port.http?.redirections)
      problems.push(`${name} redirects: a loop under Cloudflare Flexible SSL`);
    const trusted: string[] = port.forwardedHeaders?.trustedIPs ?? [];
    if (port.forwardedHeaders?.insecure) problems.push(`${name} trusts forwarded headers from anyone`);
    if (JSON.stringify([...trusted].sort()) !== JSON.stringify([...ranges].sort()))
      problems.push(`${name} forwardedHeaders.trustedIPs differ from cloudflare-ips.txt`);
  }
  if (values.ports?.web?.port !== 80 || values.ports?.websecure?.port !== 443)
    problems.push("Traefik does not bind :80 and :443");
  return problems;
}

export const readK3sConfig = (): Any => parse(readFileSync(join(DEPLOY, "k3s/config.yaml"), "utf8"));

/** The K3s server flags we rely on (keys are K3s server CLI flags, so a typo is caught here). */
export const K3S_FLAGS = new Set([
  "write-kubeconfig-mode",
  "disable",
  "kube-proxy-arg",
  "flannel-backend",
  "etcd-snapshot-schedule-cron",
  "etcd-snapshot-retention",
  "etcd-snapshot-compress",
  "secrets-encryption",
  "cluster-init",
  "server",
  "token",
  "token-file",
  "node-ip",
  "node-external-ip",
  "tls-san",
  "kube-apiserver-arg",
  "kubelet-arg",
]);

export function k3sConfigProblems(config: Any): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config))
    if (!K3S_FLAGS.has(key)) problems.push(`${key}: not a K3s server flag we know`);
  if (!config.disable?.includes("servicelb")) problems.push("servicelb is not disabled");
  if (config.disable?.includes("traefik")) problems.push("traefik is disabled (the ingress runs on it)");
  if (!config["etcd-snapshot-schedule-cron"]) problems.push("no etcd snapshot schedule");
  if (!(config["etcd-snapshot-retention"] > 0)) problems.push("no etcd snapshot retention");
  return problems;
}
