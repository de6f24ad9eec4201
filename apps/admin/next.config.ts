import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // A self-contained server (apps/admin/.next/standalone/apps/admin/server.js) for the container image.
  output: "standalone",
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  transpilePackages: ["@honeydue/ui", "@honeydue/api-client", "@honeydue/config"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The repo's own lint (Biome) and typecheck (npm run typecheck) cover the panel.
  typescript: { ignoreBuildErrors: true },
  experimental: { optimizePackageImports: ["@mantine/core", "@mantine/charts"] },
};

export default config;
