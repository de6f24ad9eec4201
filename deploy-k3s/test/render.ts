// Renders the kustomizations with the kubectl on the machine and validates objects against the Kubernetes
// API schemas (kubernetes-models) with unknown fields rejected.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export const DEPLOY = resolve(import.meta.dirname, "..");
export const ROOT = resolve(DEPLOY, "..");

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are free-form until validated
  spec?: any;
  [key: string]: unknown;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export function kustomize(dir: string): K8sObject[] {
  return parseManifests(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" }));
}

/** The digest every fake release pins: what 03-deploy.sh does with the digests the registry returned. */
export const FAKE_DIGEST = `sha256:${"ab".repeat(32)}`;

/** The production overlay (or its migrate Job) as 03-deploy.sh renders it: images pinned by digest. */
export function renderRelease(overlay: "production" | "production/migrate"): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), "honeydue-release-"));
  const images = ["api", "worker", "admin", "web", "migrate"]
    .map((role) => `  - name: gitea.treytartt.com/admin/honeydue-${role}\n    digest: ${FAKE_DIGEST}\n`)
    .join("");
  writeFileSync(
    join(dir, "kustomization.yaml"),
    `resources:\n  - ${relative(dir, join(DEPLOY, "overlays", overlay))}\nimages:\n${images}`,
  );
  try {
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string; params: unknown; message?: string }[];
};

async function validatorFor(object: K8sObject): Promise<Validator | undefined> {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/")
    : ["core", object.apiVersion];
  const groupName = group!.split(".")[0]!;
  const name = `IoK8sApi${cap(groupName)}${cap(version!)}${object.kind}`;
  try {
    const mod = (await import(`kubernetes-models/_schemas/${name}`)) as { validate: Validator };
    return mod.validate;
  } catch {
    return undefined;
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The schema's errors plus every field the schema does not know. The compiled validators read each property
 * they know (and every key of a map), so a field never read during validation is unknown: we wrap the
 * object in proxies that record the reads.
 */
export async function validateStrict(object: K8sObject): Promise<string[]> {
  const validate = await validatorFor(object);
  if (!validate) return [`no schema for ${object.apiVersion} ${object.kind}`];
  const read = new Map<object, Set<string>>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    const seen = new Set<string>();
    const target = Array.isArray(value)
      ? value.map(wrap)
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === "string") seen.add(key);
        return Reflect.get(t, key, receiver);
      },
    });
    if (!Array.isArray(value)) read.set(proxy, seen);
    return proxy;
  };
  const root = wrap(object) as object;
  const problems: string[] = [];
  if (!validate(root)) {
    for (const e of validate.errors ?? [])
      problems.push(`${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  }
  // Walking the proxies reads every key: judge against what validation alone read.
  const readByValidation = new Map([...read].map(([proxy, seen]) => [proxy, new Set(seen)]));
  const walk = (value: unknown, path: string) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${path}/${i}`);
      return;
    }
    const seen = readByValidation.get(value);
    for (const [key, child] of Object.entries(value)) {
      if (seen && !seen.has(key)) problems.push(`${path}/${key}: unknown field`);
      else walk(child, `${path}/${key}`);
    }
  };
  walk(root, "");
  return problems;
}

export const describe = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
