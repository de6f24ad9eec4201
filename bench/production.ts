// How the benchmarks start honeyDue's processes "as in production": with the process tuning their cluster
// manifests give them (deploy-k3s/base/<role>/deployment.yaml: NODE_OPTIONS, glibc's MALLOC_* settings),
// read from the checkout being measured, so a baseline runs with its own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The tuning variables the role's Deployment sets in the checkout at `dir` (none before the manifests). */
export function manifestProcessEnv(dir: string, role: "api" | "worker"): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(dir, "deploy-k3s/base", role, "deployment.yaml"), "utf8");
  } catch {
    return {};
  }
  const manifest = parse(text) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env = manifest.spec.template.spec.containers.flatMap((c) => c.env ?? []);
  return Object.fromEntries(
    env
      .filter((e) => (e.name === "NODE_OPTIONS" || e.name.startsWith("MALLOC_")) && e.value !== undefined)
      .map((e) => [e.name, e.value as string]),
  );
}
