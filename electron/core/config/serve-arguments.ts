/**
 * The headless server's command line, read strictly: a mistyped flag (`--datadir`, `--prot`) must
 * stop the start with a message, not start a server on the default data folder or port that the
 * person did not ask for. The desktop app reads the same overrides leniently (Chromium passes flags
 * of its own), so strictness lives here, not in resolveOverrides.
 */
import {parseArgs} from "node:util";
import {DesksideError} from "../../../shared/errors.js";
import {RUNTIME_OPTIONS} from "./runtime-config.js";

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
  const options: Record<string, {type: "string" | "boolean"; short?: string}> = {};
  for (const {flag} of RUNTIME_OPTIONS) options[flag] = {type: "string"};
  for (const s of SWITCHES) options[s.flag] = "short" in s ? {type: "boolean", short: s.short} : {type: "boolean"};
  try {
    const {values} = parseArgs({args: [...argv], options, strict: true, allowPositionals: false});
    return {help: values.help === true, version: values.version === true};
  } catch (error) {
    throw new DesksideError("INVALID_INPUT", `${argumentProblem(argv, error)} Run with --help for the list of options.`);
  }
}

function argumentProblem(argv: readonly string[], error: unknown): string {
  const code = (error as {code?: string}).code;
  const message = error instanceof Error ? error.message : String(error);
  // Node names an option with a short form as '-h, --help'; the long form is what the person reads back.
  const named = /'(?:-\w, )?(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && named) {
    const guess = closestFlag(named);
    return `Unknown option ${named}${guess ? ` (did you mean --${guess}?)` : ""}.`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && named) {
    const option = RUNTIME_OPTIONS.find((o) => `--${o.flag}` === named);
    if (option) return `${named} needs a value (${named} ${option.value}).`;
    return `${named} takes no value.`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const stray = argv.find((arg) => !arg.startsWith("-") && message.includes(`'${arg}'`));
    return `Unexpected argument${stray ? ` "${stray}"` : ""}: every setting is given as --name value.`;
  }
  return message;
}

/** The known flag a typo most likely meant: the same letters without dashes, or at most two edits away. */
function closestFlag(typed: string): string | null {
  const bare = typed.replace(/^-+/, "").split("=")[0].toLowerCase();
  const flags = [...RUNTIME_OPTIONS.map((o) => o.flag), ...SWITCHES.map((s) => s.flag)];
  const squash = (text: string) => text.replace(/[-_]/g, "");
  const same = flags.find((flag) => squash(flag) === squash(bare));
  if (same) return same;
  let best: string | null = null;
  let bestDistance = 3;
  for (const flag of flags) {
    const distance = editDistance(bare, flag);
    if (distance < bestDistance) [best, bestDistance] = [flag, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
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
