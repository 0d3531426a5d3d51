import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  {ignores: [".cache/**", "dist/**", "dist-electron/**", "release/**", "node_modules/**", "coverage/**", "test-results/**", ".scratch/**", "bench/results/**"]},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    languageOptions: {globals: {console: "readonly", process: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", fetch: "readonly", performance: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", structuredClone: "readonly", window: "readonly", document: "readonly", navigator: "readonly", localStorage: "readonly", sessionStorage: "readonly", EventSource: "readonly", Blob: "readonly", File: "readonly", FileReader: "readonly", HTMLElement: "readonly", queueMicrotask: "readonly", globalThis: "readonly"}},
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none"}],
      "no-empty": ["error", {allowEmptyCatch: true}],
    },
  },
  {
    files: ["renderer/**/*.{ts,tsx}"],
    plugins: {"react-hooks": reactHooks},
    rules: {"react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn"},
  },
  {
    // The core runs under plain Node and must never depend on Electron.
    files: ["electron/core/**/*.ts", "shared/**/*.ts"],
    rules: {"no-restricted-imports": ["error", {paths: [{name: "electron", message: "The core and shared/ never import electron."}]}]},
  },
  {
    // Handlers and routes get narrow facades of the services (rpc/handlers.ts HandlerDeps,
    // api/api-services.ts); only the hosts and tests see the composition root.
    files: ["electron/core/rpc/**/*.ts", "electron/core/api/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{name: "electron", message: "The core and shared/ never import electron."}],
          patterns: [{group: ["**/app-core", "**/app-core.js", "**/app-core.ts"], message: "rpc/ and api/ take their dependencies as narrow interfaces, never the composition root (app-core)."}],
        },
      ],
    },
  },
  {
    // The renderer talks to the core only through the shared/ contract.
    files: ["renderer/**/*.{ts,tsx}"],
    rules: {"no-restricted-imports": ["error", {patterns: [{group: ["**/electron/**", "**/app-core", "**/app-core.js"], message: "The renderer reaches the core only through shared/ (the contract) and its transport."}]}]},
  },
  {
    files: ["shared/**/*.ts"],
    rules: {"no-restricted-imports": ["error", {patterns: [{group: ["**/electron/**", "**/renderer/**", "node:*"], message: "shared/ imports nothing from either side."}]}]},
  },
);
