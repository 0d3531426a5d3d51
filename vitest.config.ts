import {configDefaults, defineConfig} from "vitest/config";
import react from "@vitejs/plugin-react";

// Four suites: the headless core (real models, real stores), the core under hostile load (alone,
// because they time the server), renderer components (jsdom), and end-to-end runs of the browser
// UI against `npm run serve` in Chromium.
const UNDER_LOAD = ["test/core/hostile-import.test.ts", "test/core/hostile-requests.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "core",
          environment: "node",
          include: ["electron/**/*.test.ts", "shared/**/*.test.ts", "test/core/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...UNDER_LOAD],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        // Suites that judge how fast the server answers while it works: one file at a time, with
        // nothing else of the test run competing for the cores.
        test: {
          name: "load",
          environment: "node",
          include: [...UNDER_LOAD],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          pool: "forks",
          maxWorkers: 1,
          fileParallelism: false,
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
