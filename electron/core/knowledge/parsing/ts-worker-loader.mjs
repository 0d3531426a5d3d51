// Starts a TypeScript worker entry when running from sources (tests, tsx scripts). Node 20 does not
// apply `--import` loader hooks inside worker threads, so the worker registers tsx itself first.
// Bundled builds start parse-worker.js directly and never load this file.
import {workerData} from "node:worker_threads";
import {register} from "tsx/esm/api";

register();
await import(workerData.tsEntry);
