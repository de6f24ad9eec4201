// Policy checks over rendered manifests: kube-score's and Polaris's default checks, plus honeyDue's own
// (images pinned by digest, probes on the real endpoints, no secret values). Each check returns the
// violations it found; policy.test.ts runs them on the production render and on a failing fixture each.
import { describe, type K8sObject } from "./render.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifest fragments
type Any = any;

interface Workload {
  object: K8sObject;
  pod: Any;
  labels: Record<string, string>;
  replicas: number;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind))
    .map((object) => ({
      object,
      pod: object.spec.template.spec,
      labels: object.spec.template.metadata?.labels ?? {},
      replicas:
        object.kind === "Deployment" || object.kind === "StatefulSet" ? (object.spec.replicas ?? 1) : 1,
    }));
}

const containers = (w: Workload): Any[] => [...(w.pod.initContainers ?? []), ...w.pod.containers];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

export type Check = (objects: K8sObject[]) => string[];

/** Liveness and readiness on every long-running container, not identical (kube-score container-probes). */
export const probes: Check = (objects) =>
  workloads(objects)
    .filter((w) => w.object.kind !== "Job")
    .flatMap((w) =>
      w.pod.containers.flatMap((c: Any) => {
        const where = `${describe(w.object)}/${c.name}`;
        if (!c.readinessProbe) return [`${where}: no readinessProbe`];
        if (!c.livenessProbe) return [`${where}: no livenessProbe`];
        if (JSON.stringify(c.readinessProbe) === JSON.stringify(c.livenessProbe))
          return [`${where}: liveness and readiness probes are identical`];
        return [];
      }),
    );

/** The honeyDue images probe their real endpoints: /livez for liveness and startup, /readyz for readiness. */
export const appProbeEndpoints: Check = (objects) =>
  workloads(objects)
    .filter((w) => w.object.kind !== "Job")
    .flatMap((w) =>
      w.pod.containers
        .filter((c: Any) => /honeydue-(api|worker)/.test(c.image))
        .flatMap((c: Any) => {
          const where = `${describe(w.object)}/${c.name}`;
          const problems: string[] = [];
          const ports = new Set((c.ports ?? []).flatMap((p: Any) => [p.name, p.containerPort]));
          for (const [probe, path] of [
            ["startupProbe", "/livez"],
            ["livenessProbe", "/livez"],
            ["readinessProbe", "/readyz"],
          ] as const) {
            const get = c[probe]?.httpGet;
            if (get?.path !== path) problems.push(`${where}: ${probe} must be GET ${path}`);
            else if (!ports.has(get.port))
              problems.push(`${where}: ${probe} port ${get.port} is not declared`);
          }
          return problems;
        }),
    );

/** Requests for CPU and memory, a memory limit (CPU limits are left out on purpose: throttling, no OOM). */
export const resources: Check = (objects) =>
  workloads(objects).flatMap((w) =>
    containers(w).flatMap((c: Any) => {
      const r = c.resources ?? {};
      const where = `${describe(w.object)}/${c.name}`;
      const problems: string[] = [];
      if (!r.requests?.cpu) problems.push(`${where}: no CPU request`);
      if (!r.requests?.memory) problems.push(`${where}: no memory request`);
      if (!r.limits?.memory) problems.push(`${where}: no memory limit`);
      else if (r.requests?.memory && mebibytes(r.requests.memory) > mebibytes(r.limits.memory))
        problems.push(`${where}: memory request above its limit`);
      return problems;
    }),
  );

export function mebibytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  const n = Number(m[1]);
  const unit = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };
  return m[2] ? n * unit[m[2] as keyof typeof unit] : n / 2 ** 20;
}

/** Pod Security "restricted" and kube-score's security-context checks. */
export const securityContext: Check = (objects) => {
  // Only a pod whose service account is bound to a Role may carry a token (vmagent's pod discovery).
  const bound = new Set(
    objects
      .filter((o) => o.kind === "RoleBinding")
      .flatMap((o) => ((o as Any).subjects ?? []).map((s: Any) => s.name)),
  );
  return workloads(objects).flatMap((w) => {
    const where = describe(w.object);
    const p = w.pod;
    const problems: string[] = [];
    if (p.securityContext?.runAsNonRoot !== true) problems.push(`${where}: pod runAsNonRoot is not true`);
    if (p.securityContext?.seccompProfile?.type !== "RuntimeDefault")
      problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    if (!(p.securityContext?.runAsUser > 10000)) problems.push(`${where}: runAsUser is not above 10000`);
    if (!(p.securityContext?.runAsGroup > 10000)) problems.push(`${where}: runAsGroup is not above 10000`);
    if (p.hostNetwork || p.hostPID || p.hostIPC) problems.push(`${where}: shares a host namespace`);
    if ((p.volumes ?? []).some((v: Any) => v.hostPath)) problems.push(`${where}: mounts a hostPath`);
    const token = p.automountServiceAccountToken;
    if (token !== false && !(token === true && bound.has(p.serviceAccountName)))
      problems.push(`${where}: mounts a service account token it does not need`);
    for (const c of containers(w)) {
      const s = c.securityContext ?? {};
      const at = `${where}/${c.name}`;
      if (s.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (s.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
      if (s.privileged) problems.push(`${at}: privileged`);
      if (!(s.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: capabilities not dropped`);
      if ((s.capabilities?.add ?? []).length) problems.push(`${at}: adds capabilities`);
    }
    return problems;
  });
};

/**
 * Images: never `latest` or untagged; honeyDue's own images pinned by digest, so a node can never run a
 * stale image cached under a reused tag (the IfNotPresent gotcha of docs/ops/06-deployment.md).
 */
export const images: Check = (objects) =>
  workloads(objects).flatMap((w) =>
    containers(w).flatMap((c: Any) => {
      const at = `${describe(w.object)}/${c.name}`;
      const image: string = c.image;
      const [name, digest] = image.split("@");
      const tag = /:([^/:]+)$/.exec(name!)?.[1];
      if (/honeydue-/.test(name!)) {
        return /^sha256:[0-9a-f]{64}$/.test(digest ?? "") ? [] : [`${at}: ${image} is not pinned by digest`];
      }
      if (!tag && !digest) return [`${at}: ${image} has no tag`];
      if (tag === "latest") return [`${at}: ${image} uses latest`];
      if (!c.imagePullPolicy) return [`${at}: no imagePullPolicy`];
      return [];
    }),
  );

/** Every multi-replica workload has a PodDisruptionBudget that selects it and lets one pod go. */
export const disruptionBudgets: Check = (objects) => {
  const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget");
  return workloads(objects)
    .filter((w) => w.replicas > 1)
    .flatMap((w) => {
      const pdb = pdbs.find((p) => matches(p.spec.selector?.matchLabels, w.labels));
      if (!pdb) return [`${describe(w.object)}: ${w.replicas} replicas and no PodDisruptionBudget`];
      if (pdb.spec.minAvailable !== undefined && pdb.spec.minAvailable >= w.replicas)
        return [`${describe(pdb)}: minAvailable blocks every eviction`];
      if (pdb.spec.maxUnavailable === 0) return [`${describe(pdb)}: maxUnavailable 0 blocks every eviction`];
      return [];
    });
};

/** Multi-replica workloads spread across nodes (kube-score deployment-has-host-podantiaffinity). */
export const spread: Check = (objects) =>
  workloads(objects)
    .filter((w) => w.replicas > 1)
    .flatMap((w) => {
      const byHost = (w.pod.topologySpreadConstraints ?? []).some(
        (t: Any) =>
          t.topologyKey === "kubernetes.io/hostname" && matches(t.labelSelector?.matchLabels, w.labels),
      );
      const anti = (
        w.pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
      ).some((t: Any) => t.topologyKey === "kubernetes.io/hostname");
      return byHost || anti ? [] : [`${describe(w.object)}: replicas are not spread across nodes`];
    });

/** Rolling updates never take a replica away before its replacement is ready. */
export const rollingUpdates: Check = (objects) =>
  objects
    .filter((o) => o.kind === "Deployment" && (o.spec.replicas ?? 1) > 1)
    .flatMap((o) => {
      const ru = o.spec.strategy?.rollingUpdate;
      return o.spec.strategy?.type === "RollingUpdate" && ru?.maxUnavailable === 0 && ru?.maxSurge === 1
        ? []
        : [`${describe(o)}: strategy must be RollingUpdate maxUnavailable 0, maxSurge 1`];
    });

/** A default-deny policy for both directions, and every pod selected by a policy of its own. */
export const networkPolicies: Check = (objects) => {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const problems: string[] = [];
  const denyAll = policies.find(
    (p) =>
      Object.keys(p.spec.podSelector ?? {}).length === 0 &&
      ["Ingress", "Egress"].every((t) => p.spec.policyTypes?.includes(t)) &&
      !p.spec.ingress &&
      !p.spec.egress,
  );
  if (!denyAll) problems.push("no default-deny NetworkPolicy for Ingress and Egress");
  for (const w of workloads(objects)) {
    const own = policies.filter(
      (p) =>
        Object.keys(p.spec.podSelector?.matchLabels ?? {}).length > 0 &&
        matches(p.spec.podSelector.matchLabels, w.labels),
    );
    if (!own.length) problems.push(`${describe(w.object)}: no NetworkPolicy selects its pods`);
  }
  for (const p of policies) {
    if (JSON.stringify(p.spec).includes("192.0.2."))
      problems.push(`${describe(p)}: placeholder address left`);
  }
  return problems;
};

/** preStop plus the app's drain fits in the grace period (kube-score/Polaris: graceful termination). */
export const gracePeriods: Check = (objects) => {
  const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("honeydue-config"));
  const defaultGraceMs = Number((config as Any)?.data?.SHUTDOWN_GRACE_MS ?? 25_000);
  return workloads(objects)
    .filter((w) => w.object.kind !== "Job")
    .flatMap((w) =>
      w.pod.containers.flatMap((c: Any) => {
        const at = `${describe(w.object)}/${c.name}`;
        const grace = w.pod.terminationGracePeriodSeconds ?? 30;
        const preStop = c.lifecycle?.preStop?.sleep?.seconds;
        if (preStop === undefined) return [`${at}: no preStop`];
        const reads = /honeydue-(api|worker)/.test(c.image);
        const envGrace = (c.env ?? []).find((e: Any) => e.name === "SHUTDOWN_GRACE_MS")?.value;
        const drain = reads ? Number(envGrace ?? defaultGraceMs) / 1000 : 0;
        return preStop + drain < grace
          ? []
          : [`${at}: preStop ${preStop}s + drain ${drain}s does not fit the ${grace}s grace period`];
      }),
    );
};

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|_KEY|CREDENTIAL|DATABASE_URL|SMTP_URL)/i;
/** No Secret objects and no secret-looking values in plain manifests (they come from secrets/*.env). */
export const noPlainSecrets: Check = (objects) =>
  objects.flatMap((o) => {
    if (o.kind === "Secret") return [`${describe(o)}: a Secret in the manifests`];
    const problems: string[] = [];
    if (o.kind === "ConfigMap") {
      for (const key of Object.keys((o as Any).data ?? {}))
        if (SECRET_NAME.test(key)) problems.push(`${describe(o)}: ${key} belongs in a Secret`);
    }
    if (WORKLOAD_KINDS.has(o.kind)) {
      for (const c of o.spec.template.spec.containers)
        for (const e of c.env ?? [])
          if (SECRET_NAME.test(e.name) && e.value !== undefined)
            problems.push(`${describe(o)}/${c.name}: ${e.name} has a literal value`);
    }
    return problems;
  });

/** Services select pods and name declared ports; the Ingress routes to existing Service ports only. */
export const wiring: Check = (objects) => {
  const problems: string[] = [];
  const all = workloads(objects);
  const services = objects.filter((o) => o.kind === "Service");
  for (const s of services) {
    const target = all.find((w) => matches(s.spec.selector, w.labels));
    if (!target) {
      problems.push(`${describe(s)}: selects no pods`);
      continue;
    }
    const names = new Set(target.pod.containers.flatMap((c: Any) => (c.ports ?? []).map((p: Any) => p.name)));
    for (const port of s.spec.ports)
      if (typeof port.targetPort === "string" && !names.has(port.targetPort))
        problems.push(`${describe(s)}: targetPort ${port.targetPort} is not a container port`);
    const scraped = target.object.spec.template.metadata?.annotations?.["prometheus.io/port"];
    if (
      scraped &&
      s.spec.ports.some((p: Any) => String(p.port) === scraped || String(p.targetPort) === scraped)
    )
      problems.push(`${describe(s)}: exposes the metrics port ${scraped}`);
  }
  for (const ing of objects.filter((o) => o.kind === "Ingress")) {
    for (const rule of ing.spec.rules)
      for (const path of rule.http.paths) {
        const svc = services.find((s) => s.metadata.name === path.backend.service.name);
        if (!svc) problems.push(`${describe(ing)}: backend ${path.backend.service.name} does not exist`);
        else if (!svc.spec.ports.some((p: Any) => p.name === path.backend.service.port.name))
          problems.push(`${describe(ing)}: backend port ${path.backend.service.port.name} does not exist`);
      }
  }
  return problems;
};

export const CHECKS = {
  probes,
  appProbeEndpoints,
  resources,
  securityContext,
  images,
  disruptionBudgets,
  spread,
  rollingUpdates,
  networkPolicies,
  gracePeriods,
  noPlainSecrets,
  wiring,
};
