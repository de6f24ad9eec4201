import type { MetadataRoute } from "next";
import { strings } from "../src/strings.ts";

/** /manifest.webmanifest: what makes the household app installable (with public/sw.js, decision 0019). */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: strings.appName,
    short_name: strings.appName,
    description: strings.landing.lead,
    id: "/tasks",
    start_url: "/tasks",
    scope: "/",
    display: "standalone",
    background_color: "#fffdf7",
    theme_color: "#f5b700",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
      { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
