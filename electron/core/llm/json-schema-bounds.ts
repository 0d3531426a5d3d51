import {DesksideError} from "../../../shared/errors.js";

/**
 * How large a JSON schema for structured output may be. Turning a schema into a grammar takes time
 * on the event loop that grows faster than the schema (50,000 enum values: more than 20 s), and the
 * grammar library recurses, so a schema is measured here first, without recursion, and refused
 * when it is past any of these.
 */
export interface SchemaLimits {
  /** Nesting of objects and arrays; the schema object itself is level 1. */
  maxDepth: number;
  /** Every JSON value in the schema: objects, arrays, strings, numbers, booleans, null. */
  maxNodes: number;
  /** Length of the schema written as compact JSON (keys and strings included). */
  maxChars: number;
  /** Values in one `enum`. */
  maxEnumValues: number;
  /** Values of all `enum`s together. */
  maxTotalEnumValues: number;
}

/** Measured with node-llama-cpp's grammar builder: a schema at these limits compiles in under 50 ms. */
export const SCHEMA_LIMITS: Readonly<SchemaLimits> = Object.freeze({
  maxDepth: 32,
  maxNodes: 2048,
  maxChars: 64 * 1024,
  maxEnumValues: 256,
  maxTotalEnumValues: 1024,
});

export type SchemaLimitKind = "depth" | "nodes" | "chars" | "enum" | "enum_total" | "type";

export type SchemaBounds =
  | {ok: true; depth: number; nodes: number; chars: number; enumValues: number}
  | {ok: false; limit: SchemaLimitKind; path: string; message: string};

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

const MAX_KEY_SHOWN = 40;

/** `properties.address.enum` for the frame's place in the schema; built only when something is refused. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let at: Frame | null = frame; at && at.parent; at = at.parent) {
    const key = typeof at.key === "number" ? `[${at.key}]` : at.key.length > MAX_KEY_SHOWN ? `${at.key.slice(0, MAX_KEY_SHOWN)}…` : at.key;
    parts.push(key);
  }
  return parts
    .reverse()
    .map((part, index) => (index === 0 || part.startsWith("[") ? part : `.${part}`))
    .join("");
}

function primitiveChars(value: unknown): number {
  if (typeof value === "string") return value.length + 2;
  if (typeof value === "number") return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  return 4; // null
}

/**
 * Measures a parsed JSON schema against the limits, depth first with an explicit stack, and stops
 * at the first limit passed, so a schema nested 100,000 deep or holding a million values costs no
 * more than the limits themselves. Shared references and cycles (possible only in objects built
 * in code) end on the node limit.
 */
export function checkSchemaBounds(schema: unknown, limits: SchemaLimits = SCHEMA_LIMITS): SchemaBounds {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return {ok: false, limit: "type", path: "", message: "must be a JSON object"};
  const stack: Frame[] = [{value: schema, depth: 1, parent: null, key: ""}];
  let nodes = 0;
  let chars = 0;
  let enumValues = 0;
  let deepest = 0;
  const refuse = (limit: SchemaLimitKind, frame: Frame, message: string): SchemaBounds => {
    const path = pathOf(frame);
    return {ok: false, limit, path, message: path ? `${message} (at ${path})` : message};
  };

  while (stack.length > 0) {
    const frame = stack.pop()!;
    nodes++;
    if (nodes > limits.maxNodes) return refuse("nodes", frame, `has more than ${limits.maxNodes} values`);
    const value = frame.value;
    if (value === null || typeof value !== "object") {
      chars += primitiveChars(value);
      if (chars > limits.maxChars) return refuse("chars", frame, `is longer than ${limits.maxChars} characters as JSON`);
      continue;
    }
    if (frame.depth > limits.maxDepth) return refuse("depth", frame, `is nested deeper than ${limits.maxDepth} levels`);
    deepest = Math.max(deepest, frame.depth);
    if (Array.isArray(value)) {
      if (frame.key === "enum" && frame.parent && !Array.isArray(frame.parent.value)) {
        if (value.length > limits.maxEnumValues) return refuse("enum", frame, `has an enum of ${value.length} values; at most ${limits.maxEnumValues} are accepted in one enum`);
        enumValues += value.length;
        if (enumValues > limits.maxTotalEnumValues) return refuse("enum_total", frame, `has more than ${limits.maxTotalEnumValues} enum values in all`);
      }
      // Before the loop: more children than values allowed ends here, however many there are.
      if (nodes + value.length > limits.maxNodes) return refuse("nodes", frame, `has more than ${limits.maxNodes} values`);
      chars += 2 + Math.max(0, value.length - 1);
      if (chars > limits.maxChars) return refuse("chars", frame, `is longer than ${limits.maxChars} characters as JSON`);
      for (let index = value.length - 1; index >= 0; index--) stack.push({value: value[index], depth: frame.depth + 1, parent: frame, key: index});
      continue;
    }
    const keys = Object.keys(value);
    if (nodes + keys.length > limits.maxNodes) return refuse("nodes", frame, `has more than ${limits.maxNodes} values`);
    chars += 2 + Math.max(0, keys.length - 1);
    for (const key of keys) chars += key.length + 3;
    if (chars > limits.maxChars) return refuse("chars", frame, `is longer than ${limits.maxChars} characters as JSON`);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index];
      stack.push({value: (value as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key});
    }
  }
  return {ok: true, depth: deepest, nodes, chars, enumValues};
}

/** Throws SCHEMA_TOO_COMPLEX (HTTP 400) when the schema is past a limit, INVALID_INPUT when it is no object; `name` leads the message. */
export function assertSchemaBounds(schema: unknown, name = "The JSON schema", limits: SchemaLimits = SCHEMA_LIMITS): void {
  const result = checkSchemaBounds(schema, limits);
  if (result.ok) return;
  if (result.limit === "type") throw new DesksideError("INVALID_INPUT", `${name} ${result.message}.`);
  throw new DesksideError("SCHEMA_TOO_COMPLEX", `${name} ${result.message}; simplify it or split the task into smaller requests.`, {
    details: {limit: result.limit, path: result.path},
  });
}
