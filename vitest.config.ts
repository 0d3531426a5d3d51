import {defineConfig} from "vitest/config";
import react from "@vitejs/plugin-react";

// Three suites: the headless core (real models, real stores), renderer components (jsdom),
// and end-to-end runs of the browser UI against `npm run serve` in Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "core",
          environment: "node",
          include: ["electron/**/*.test.ts", "shared/**/*.test.ts", "test/core/**/*.test.ts", "scripts/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        plugins: [react()],
        test: {
          name: "renderer",
          environment: "jsdom",
          include: ["renderer/**/*.test.tsx", "renderer/**/*.test.ts"],
          setupFiles: ["renderer/src/test/setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: "forks",
          maxWorkers: 1,
        },
      },
    ],
  },
});
