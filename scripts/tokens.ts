/**
 * npm run tokens -- <create|list|revoke> [options]
 *
 * Named API tokens for a shared headless server, from the computer it runs on. Writes settings.json
 * in the data folder through the same settings service the app uses (validated, owner-only, atomic
 * write); a running server reads the change on the next request with a token, so a revoked token
 * is refused from then on. Exit code: 0 done, 1 refused (bad name, no such token), 2 could not run.
 */
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {API_SCOPES, type ApiScope, type ApiTokenInfo} from "../shared/api-tokens.js";
import {DesksideError, toErrorInfo} from "../shared/errors.js";
import {settingsSchema} from "../shared/settings.js";
import {ApiTokens} from "../electron/core/config/api-tokens.js";
import {AppSettings} from "../electron/core/config/app-settings.js";
import {defaultDataDir, resolveOverrides} from "../electron/core/config/runtime-config.js";
import {TokenUsage} from "../electron/core/config/token-usage.js";
import {migrateSettings} from "../electron/core/settings/migrations.js";
import {SETTINGS_FILE, SettingsService} from "../electron/core/settings/settings-service.js";

const USAGE = `Usage: npm run tokens -- <command> [options]

Named API tokens for the people and tools sharing this Deskside server.

Commands:
  create --name <name> --scope <ask|admin> [--rate-limit <per minute>]
                             Creates a token and prints its value, once: only its hash is kept.
  list [--json]              Lists the tokens: name, scope, rate limit, created, last used.
  revoke <name>              Revokes a token; a running server refuses it from its next request.

Options:
  --data-dir <folder>        The data folder (default: DESKSIDE_DATA_DIR, else the app's folder).
  --help                     This text.

Scopes: ask (chat, search, its own conversations, the model list) or admin (everything).`;

/** A settings file that cannot be read is left alone: replacing it would also replace the main token. */
function assertReadable(dataDir: string): void {
  const file = path.join(dataDir, SETTINGS_FILE);
  if (!fs.existsSync(file)) return;
  try {
    const parsed = settingsSchema.safeParse(migrateSettings(JSON.parse(fs.readFileSync(file, "utf8"))));
    if (parsed.success) return;
  } catch {
    // reported below
  }
  throw new DesksideError("SETTINGS_CORRUPT", `${file} cannot be read as Deskside settings; fix it (or start Deskside once, which keeps a copy and starts afresh) before managing tokens.`);
}

function table(tokens: ApiTokenInfo[]): string[] {
  if (tokens.length === 0) return ["No named API tokens. Create one with: npm run tokens -- create --name <name> --scope ask"];
  const rows = [["NAME", "SCOPE", "RATE/MIN", "CREATED", "LAST USED"], ...tokens.map((t) => [t.name, t.scope, t.rateLimitPerMinute === null ? "default" : String(t.rateLimitPerMinute), t.createdAt, t.lastUsedAt ?? "never"])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
}

function run(argv: string[], out: (line: string) => void): number {
  const {values, positionals} = parseArgs({
    args: argv,
    options: {name: {type: "string"}, scope: {type: "string"}, "rate-limit": {type: "string"}, json: {type: "boolean"}, help: {type: "boolean"}, "data-dir": {type: "string"}},
    strict: true,
    allowPositionals: true,
  });
  const [command, argument] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const overrides = resolveOverrides(argv, process.env);
  const dataDir = path.resolve(overrides.dataDir ?? defaultDataDir());
  assertReadable(dataDir);
  // No lock: the server holding the data folder keeps running and takes the change in.
  const settings = new AppSettings(new SettingsService(dataDir), {}, dataDir, {emit: () => undefined});
  const tokens = new ApiTokens(settings, new TokenUsage(dataDir));

  switch (command) {
    case "list": {
      const list = tokens.list();
      if (values.json) out(JSON.stringify(list, null, 2));
      else table(list).forEach((line) => out(line));
      return 0;
    }
    case "create": {
      const name = values.name ?? argument;
      if (!name) throw new DesksideError("INVALID_INPUT", "Give the token a name: --name <name>.");
      const scope = values.scope ?? "ask";
      if (!(API_SCOPES as readonly string[]).includes(scope)) throw new DesksideError("INVALID_INPUT", `--scope must be one of ${API_SCOPES.join(", ")}, got "${scope}".`);
      const rate = values["rate-limit"];
      const rateLimitPerMinute = rate === undefined ? null : Number(rate);
      if (rateLimitPerMinute !== null && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute >= 1 && rateLimitPerMinute <= 100_000))
        throw new DesksideError("INVALID_INPUT", `--rate-limit must be a whole number of requests a minute from 1 to 100000, got "${rate}".`);
      const created = tokens.create({name, scope: scope as ApiScope, rateLimitPerMinute});
      if (values.json) out(JSON.stringify(created, null, 2));
      else {
        out(`Created "${created.token.name}" (${created.token.scope}) in ${dataDir}.`);
        out("Its value, shown only now (only its hash is kept):");
        out(created.value);
      }
      return 0;
    }
    case "revoke": {
      const name = argument ?? values.name;
      if (!name) throw new DesksideError("INVALID_INPUT", "Name the token to revoke: npm run tokens -- revoke <name>.");
      const revoked = tokens.revoke(name);
      out(`Revoked "${revoked.name}"; its next request is refused.`);
      return 0;
    }
    default:
      out(USAGE);
      return 2;
  }
}

try {
  process.exitCode = run(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
} catch (error) {
  const info = toErrorInfo(error);
  const message = info.code === "INTERNAL" ? String((error as Error)?.message ?? error) : info.message;
  process.stderr.write(`${message}\n`);
  process.exitCode = info.code === "INVALID_INPUT" || info.code === "NOT_FOUND" ? 1 : 2;
}
