// Preloaded into the API by `npm run bench:boot -- --modules` (`--import`): counts the modules the process
// loads and the time spent reading them, and answers the parent's question over the IPC channel with its
// module count, CPU time, memory and V8 heap spaces. Not loaded by the plain timing runs: the hook itself
// costs a little of what it measures.
import { registerHooks } from "node:module";
import { getHeapSpaceStatistics } from "node:v8";

const packages = new Map<string, number>();
let modules = 0;
let loadMs = 0;
registerHooks({
  load(url, context, nextLoad) {
    const start = performance.now();
    const result = nextLoad(url, context);
    loadMs += performance.now() - start;
    modules++;
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    const name = match?.[1] ?? (url.startsWith("node:") ? "node:*" : "(honeyDue)");
    packages.set(name, (packages.get(name) ?? 0) + 1);
    return result;
  },
});

process.on("message", (message) => {
  if (message !== "report") return;
  const cpu = process.cpuUsage();
  const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  process.send?.({
    modules,
    loadMs: Math.round(loadMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    memory: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mib(v)])),
    heapSpaces: Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [
        s.space_name,
        {
          sizeMiB: mib(s.space_size),
          usedMiB: mib(s.space_used_size),
          physicalMiB: mib(s.physical_space_size),
        },
      ]),
    ),
    packages: Object.fromEntries([...packages].sort((a, b) => b[1] - a[1]).slice(0, 25)),
  });
});
