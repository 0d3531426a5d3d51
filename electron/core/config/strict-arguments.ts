/**
 * A command line read strictly: a mistyped flag (`--datadir`, `--prot`) must stop the command with a
 * message, not run it on the default data folder or port that the person did not ask for.
 */
import {parseArgs} from "node:util";
import {DesksideError} from "../../../shared/errors.js";

export interface StrictArgumentSpec {
  /** Flags that take a value, with the placeholder shown when it is missing ("FOLDER"). */
  strings: readonly {flag: string; value: string}[];
  /** Flags that take none. */
  switches: readonly {flag: string; short?: string}[];
}

/** The values given; throws INVALID_INPUT for an unknown flag, a flag without its value, or a stray word. */
export function readStrictArguments(argv: readonly string[], spec: StrictArgumentSpec): Record<string, string | boolean | undefined> {
  const options: Record<string, {type: "string" | "boolean"; short?: string}> = {};
  for (const {flag} of spec.strings) options[flag] = {type: "string"};
  for (const {flag, short} of spec.switches) options[flag] = short ? {type: "boolean", short} : {type: "boolean"};
  try {
    return parseArgs({args: [...argv], options, strict: true, allowPositionals: false}).values;
  } catch (error) {
    throw new DesksideError("INVALID_INPUT", `${argumentProblem(argv, error, spec)} Run with --help for the list of options.`);
  }
}

function argumentProblem(argv: readonly string[], error: unknown, spec: StrictArgumentSpec): string {
  const code = (error as {code?: string}).code;
  const message = error instanceof Error ? error.message : String(error);
  // Node names an option with a short form as '-h, --help'; the long form is what the person reads back.
  const named = /'(?:-\w, )?(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && named) {
    const guess = closestFlag(named, [...spec.strings, ...spec.switches].map((o) => o.flag));
    return `Unknown option ${named}${guess ? ` (did you mean --${guess}?)` : ""}.`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && named) {
    const option = spec.strings.find((o) => `--${o.flag}` === named);
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
function closestFlag(typed: string, flags: string[]): string | null {
  const bare = typed.replace(/^-+/, "").split("=")[0].toLowerCase();
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
