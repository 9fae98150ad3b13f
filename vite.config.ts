/**
 * The dashboard build: web/ → dist-web/dashboard/, served by the worker's static assets under
 * /dashboard/ (D12: one origin with the API). The service worker (web/src/sw.ts) precaches the
 * whole app, so it opens with the network off.
 */
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  root: "web",
  base: "/dashboard/",
  logLevel: "warn",
  build: { outDir: "../dist-web/dashboard", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1024 },
  worker: { format: "es" },
  plugins: [
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      injectRegister: false,
      manifest: {
        name: "AO scheduler dashboard",
        short_name: "AO dashboard",
        description: "Mirror, verify and replay AO schedules, online or off.",
        start_url: "/dashboard/",
        scope: "/dashboard/",
        display: "standalone",
        background_color: "#0f1115",
        theme_color: "#0f1115",
        icons: [{ src: "icon.svg", sizes: "any", type: "image/svg+xml" }],
      },
      injectManifest: { globPatterns: ["**/*.{js,css,html,svg,webmanifest}"] },
    }),
  ],
});
