// Starts a TypeScript parser-worker entry when running from sources (tests, tsx scripts): the
// child process registers tsx, then imports the entry named by its first argument.
// Bundled builds start parse-worker.js directly and never load this file.
import {register} from "tsx/esm/api";

register();
await import(process.argv[2]);
