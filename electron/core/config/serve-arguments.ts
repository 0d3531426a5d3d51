/**
 * The headless server's command line, read strictly (see strict-arguments.ts). The desktop app
 * reads the same overrides leniently (Chromium passes flags of its own), so strictness lives here,
 * not in resolveOverrides.
 */
import {RUNTIME_OPTIONS} from "./runtime-config.js";
import {readStrictArguments} from "./strict-arguments.js";

/** Flags of the server itself, beside the overrides of RUNTIME_OPTIONS. */
const SWITCHES = [
  {flag: "print-token", help: "print the browser address with the API token in it (DESKSIDE_PRINT_TOKEN=1)"},
  {flag: "help", short: "h", help: "show this help and exit"},
  {flag: "version", short: "v", help: "print the version and exit"},
] as const;

export interface ServeArguments {
  help: boolean;
  version: boolean;
}

/** Throws INVALID_INPUT for an unknown flag, a flag without its value, or a stray word. */
export function readServeArguments(argv: readonly string[]): ServeArguments {
  const values = readStrictArguments(argv, {
    strings: RUNTIME_OPTIONS.map((o) => ({flag: o.flag, value: o.value})),
    switches: SWITCHES.map((s) => ({flag: s.flag, short: "short" in s ? s.short : undefined})),
  });
  return {help: values.help === true, version: values.version === true};
}

/** What `--help` prints: every flag with its variable, generated from the same table the parser reads. */
export function serveUsage(program = "node dist-electron/serve.js"): string {
  const rows = [
    ...RUNTIME_OPTIONS.map((o) => ({left: `--${o.flag} ${o.value}`, right: `${o.help} [${o.env}]`})),
    ...SWITCHES.map((s) => ({left: `${"short" in s ? `-${s.short}, ` : ""}--${s.flag}`, right: s.help})),
  ];
  const width = Math.max(...rows.map((row) => row.left.length)) + 2;
  return [
    `Usage: ${program} [options]`,
    "",
    "Starts Deskside's headless server: the HTTP API (OpenAI-compatible under /v1) and the app for a browser.",
    "Each option can also be set by its environment variable; a flag wins over the variable, and both over settings.json.",
    "",
    ...rows.map((row) => `  ${row.left.padEnd(width)}${row.right}`),
    "",
  ].join("\n");
}
