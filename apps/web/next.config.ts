import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // A self-contained server (apps/web/.next/standalone/apps/web/server.js), run by `npm start` and the image.
  output: "standalone",
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  transpilePackages: ["@honeydue/api-client", "@honeydue/config", "@honeydue/domain"],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // Completion photos and document files pass through server actions (and the proxy) on their way to the
    // API, whose own per-file limit is UPLOAD_MAX_BYTES (25 MB by default).
    serverActions: { bodySizeLimit: "26mb" },
    proxyClientMaxBodySize: "26mb",
  },
  // The repo's own lint (Biome) and typecheck (npm run typecheck) cover the web app.
  typescript: { ignoreBuildErrors: true },
};

export default config;
