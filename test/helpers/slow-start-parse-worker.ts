/**
 * The real parse worker, started as on a machine too busy to load it promptly: it waits before
 * loading, so a file's time limit must not start until the worker says it is reading.
 */
export {};
await new Promise((resolve) => setTimeout(resolve, Number(process.env.DESKSIDE_TEST_WORKER_DELAY_MS ?? 1500)));
await import("../../electron/core/knowledge/parsing/parse-worker.js");
