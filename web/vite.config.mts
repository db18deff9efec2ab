import { defineConfig } from "vite";

/** Where `npm run dev:web` forwards the live stream; the telemetry service's default port. */
const telemetryOrigin = process.env.TELEMETRY_ORIGIN ?? `http://127.0.0.1:${process.env.TELEMETRY_PORT ?? "8090"}`;

const webRoot = new URL(".", import.meta.url).pathname;

/**
 * One Vite build for every page: each page is a folder with its own `index.html`.
 * `base: "./"` keeps asset URLs relative so a page works wherever a service mounts `web/dist`.
 */
export default defineConfig({
  root: webRoot,
  base: "./",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: `${webRoot}dist`,
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        landing: `${webRoot}index.html`,
        live: `${webRoot}live/index.html`,
        verify: `${webRoot}verify/index.html`,
        signin: `${webRoot}signin/index.html`,
        attest: `${webRoot}attest/index.html`,
        review: `${webRoot}review/index.html`,
        lots: `${webRoot}lots/index.html`,
        organisation: `${webRoot}organisation/index.html`,
      },
    },
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: false,
    proxy: {
      "/v1/stream": { target: telemetryOrigin, ws: true, changeOrigin: false },
      "/v1/telemetry": { target: telemetryOrigin, changeOrigin: false },
    },
  },
});
