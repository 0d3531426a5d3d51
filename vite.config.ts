import {fileURLToPath} from "node:url";
import react from "@vitejs/plugin-react";
import {defineConfig, type Plugin} from "vite";

const apiTarget = process.env.DESKSIDE_API ?? "http://127.0.0.1:3375";

/**
 * A strict Content-Security-Policy for the built app only: the dev server needs inline scripts
 * for hot reload. Inline style attributes are allowed because React sets widths that way.
 */
function contentSecurityPolicy(): Plugin {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
  ].join("; ");
  return {
    name: "deskside-csp",
    apply: "build",
    transformIndexHtml: () => [{tag: "meta", attrs: {"http-equiv": "Content-Security-Policy", content: policy}, injectTo: "head-prepend"}],
  };
}

// The renderer lives in renderer/ and builds to dist/ at the repository root. Relative asset
// paths (base "./") let Electron load dist/index.html from file:// as well as over HTTP.
export default defineConfig({
  root: fileURLToPath(new URL("./renderer", import.meta.url)),
  base: "./",
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "chrome120",
  },
  server: {
    // `npm run dev:renderer` talks to a running `npm run serve`.
    proxy: {
      "/rpc": apiTarget,
      "/events": {target: apiTarget, changeOrigin: true},
    },
  },
});
