import {DesksideError} from "../../../shared/errors.js";
import {LOCAL_ONLY_SETTINGS, SECRET_SETTINGS, type Settings} from "../../../shared/settings.js";

/**
 * Where a settings change comes from: "local" is this computer (the desktop app over IPC, the core's
 * own services, tests); "remote" is any HTTP client, which proved only that it has the token.
 */
export type ChangeOrigin = "local" | "remote";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What a deep-merged patch does to one dotted path: nothing ("absent"), sets it ("set", with the
 * value), or replaces a section above it with something that is not an object ("replaced").
 */
function touch(patch: Record<string, unknown>, path: string): {kind: "absent"} | {kind: "set"; value: unknown} | {kind: "replaced"} {
  let node: unknown = patch;
  const keys = path.split(".");
  for (const [index, key] of keys.entries()) {
    if (!isPlainObject(node)) return {kind: "replaced"};
    if (!Object.hasOwn(node, key)) return {kind: "absent"};
    node = node[key];
    if (index === keys.length - 1) return {kind: "set", value: node};
  }
  return {kind: "absent"};
}

function storedAt(settings: Settings, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), settings);
}

const SECRETS: ReadonlySet<string> = new Set(SECRET_SETTINGS);

/**
 * The local-only settings a patch would change. A secret counts whenever it is present (comparing it
 * with the stored one would let a caller test guesses); any other setting when its new value differs
 * from the stored one, so a client that sends the settings it read back unchanged is not refused.
 */
export function localOnlyChanges(patch: Record<string, unknown>, stored: Settings): string[] {
  return LOCAL_ONLY_SETTINGS.filter((path) => {
    const change = touch(patch, path);
    if (change.kind === "absent") return false;
    if (change.kind === "replaced" || SECRETS.has(path)) return true;
    return JSON.stringify(change.value) !== JSON.stringify(storedAt(stored, path));
  });
}

/**
 * A new remote-engine address with the stored key kept would send that key to the new server, which
 * is a way to read a write-only secret. Over HTTP the address changes only together with the key.
 */
export function remoteKeyWouldMove(patch: Record<string, unknown>, stored: Settings): boolean {
  const address = touch(patch, "llm.remote.baseUrl");
  if (address.kind === "absent" || stored.llm.remote.apiKey === "") return false;
  if (address.kind === "set" && address.value === stored.llm.remote.baseUrl) return false;
  return touch(patch, "llm.remote.apiKey").kind !== "set";
}

const HOW_TO_CHANGE =
  "on the computer running Deskside: in the desktop app's Settings, in settings.json in its data folder, or with DESKSIDE_HOST / DESKSIDE_API_TOKEN (or --host / --api-token) when starting the server";

export function localOnlyError(paths: string[]): DesksideError {
  return new DesksideError(
    "SETTING_LOCAL_ONLY",
    `${paths.join(", ")} ${paths.length === 1 ? "decides" : "decide"} who can reach Deskside or where its data goes, so ${paths.length === 1 ? "it" : "they"} can only be changed ${HOW_TO_CHANGE}; never over HTTP. Nothing in this request was applied.`,
    {details: {settings: paths}},
  );
}

/** Throws SETTING_LOCAL_ONLY, naming every offending setting, before anything is applied. */
export function assertRemoteChangeAllowed(patch: Record<string, unknown>, stored: Settings): void {
  const paths = localOnlyChanges(patch, stored);
  if (paths.length > 0) throw localOnlyError(paths);
  if (remoteKeyWouldMove(patch, stored))
    throw new DesksideError(
      "SETTING_LOCAL_ONLY",
      "Over HTTP the remote engine's address changes only together with its API key (send llm.remote.apiKey in the same update, empty to clear it), so the stored key is never sent to a new server. Nothing in this request was applied.",
      {details: {settings: ["llm.remote.baseUrl"]}},
    );
}
