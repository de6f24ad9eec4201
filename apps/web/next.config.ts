import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // A self-contained server (apps/web/.next/standalone/apps/web/server.js), run by `npm start` and the image.
  output: "standalone",
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  transpilePackages: ["@honeydue/api-client", "@honeydue/config"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The repo's own lint (Biome) and typecheck (npm run typecheck) cover the web app.
  typescript: { ignoreBuildErrors: true },
};

export default config;
