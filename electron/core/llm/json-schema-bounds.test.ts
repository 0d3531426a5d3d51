import {describe, expect, it} from "vitest";
import {isDesksideError} from "../../../shared/errors.js";
import {SCHEMA_LIMITS, assertSchemaBounds, checkSchemaBounds} from "./json-schema-bounds.js";

/** `{type: object, properties: {a: …}}` around a string schema, `levels` times (two JSON levels each). */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = {type: "string"};
  for (let i = 0; i < levels; i++) schema = {type: "object", properties: {a: schema}};
  return schema;
}

/** Arrays inside arrays, `depth` levels, built without recursion. */
function deepArrays(depth: number): unknown[] {
  const root: unknown[] = [];
  let at = root;
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = [];
    at.push(next);
    at = next;
  }
  return root;
}

const TICKET = {
  type: "object",
  properties: {
    title: {type: "string"},
    priority: {type: "string", enum: ["low", "normal", "high", "urgent"]},
    steps: {type: "array", items: {type: "string"}},
    device: {type: "object", properties: {os: {type: "string"}, model: {type: ["string", "null"]}}, required: ["os"]},
  },
  required: ["title", "priority"],
  additionalProperties: false,
};

describe("JSON schema bounds", () => {
  it("accepts an ordinary schema and reports its measurements", () => {
    const result = checkSchemaBounds(TICKET);
    expect(result).toMatchObject({ok: true, enumValues: 4});
    if (!result.ok) throw new Error("refused");
    expect(result.depth).toBe(6); // properties.device.properties.model.type is an array
    expect(result.chars).toBe(JSON.stringify(TICKET).length);
    expect(() => assertSchemaBounds(TICKET)).not.toThrow();
  });

  it("counts the serialized length exactly for plain JSON", () => {
    const schema = {type: "object", description: 'quote " and ünïcødé', properties: {n: {type: "integer", minimum: -3.5, maximum: 1e21}, b: {const: true}, z: {default: null}}, examples: [[], {}, [1, 2]]};
    const result = checkSchemaBounds(schema);
    expect(result.ok && result.chars).toBe(JSON.stringify(schema).length - 1); // the one escaped quote counts once
  });

  it("refuses nesting past the depth limit and names where", () => {
    expect(checkSchemaBounds(nested(15)).ok).toBe(true); // 31 levels
    const result = checkSchemaBounds(nested(16)); // 33 levels
    expect(result).toMatchObject({ok: false, limit: "depth"});
    if (result.ok) throw new Error("accepted");
    expect(result.path).toMatch(/^properties\.a\.properties\.a/);
    expect(result.message).toContain(`deeper than ${SCHEMA_LIMITS.maxDepth} levels`);
  });

  it("stops on a schema nested 100,000 deep without overflowing the stack, quickly", () => {
    const deep = {type: "array", items: deepArrays(100_000)};
    const started = performance.now();
    const result = checkSchemaBounds(deep);
    expect(result).toMatchObject({ok: false, limit: "depth"});
    expect(performance.now() - started).toBeLessThan(50);
    // The same depth as objects, built the way a parsed body would be.
    let objects: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) objects = {items: objects};
    expect(checkSchemaBounds(objects)).toMatchObject({ok: false, limit: "depth"});
  });

  it("refuses more values than the node limit, and stops at once on one huge array", () => {
    const wide = {type: "object", properties: Object.fromEntries(Array.from({length: 1100}, (_, i) => [`p${i}`, {type: "string"}]))};
    expect(checkSchemaBounds(wide)).toMatchObject({ok: false, limit: "nodes"});
    const narrow = {type: "object", properties: Object.fromEntries(Array.from({length: 900}, (_, i) => [`p${i}`, {type: "string"}]))};
    expect(checkSchemaBounds(narrow).ok).toBe(true);
    const huge = {type: "array", examples: new Array(5_000_000).fill(0)};
    const started = performance.now();
    expect(checkSchemaBounds(huge)).toMatchObject({ok: false, limit: "nodes"});
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("refuses a schema longer than the character limit (long strings or keys)", () => {
    expect(checkSchemaBounds({type: "string", description: "x".repeat(SCHEMA_LIMITS.maxChars)})).toMatchObject({ok: false, limit: "chars"});
    expect(checkSchemaBounds({type: "object", properties: {["k".repeat(SCHEMA_LIMITS.maxChars)]: {type: "string"}}})).toMatchObject({ok: false, limit: "chars"});
    expect(checkSchemaBounds({type: "string", description: "x".repeat(SCHEMA_LIMITS.maxChars - 100)}).ok).toBe(true);
  });

  it("refuses a long enum, and too many enum values in all", () => {
    const values = (n: number, prefix = "v") => Array.from({length: n}, (_, i) => `${prefix}${i}`);
    expect(checkSchemaBounds({type: "string", enum: values(SCHEMA_LIMITS.maxEnumValues)}).ok).toBe(true);
    const long = checkSchemaBounds({type: "object", properties: {status: {type: "string", enum: values(SCHEMA_LIMITS.maxEnumValues + 1)}}});
    expect(long).toMatchObject({ok: false, limit: "enum", path: "properties.status.enum"});
    // 50,000 values: refused before they are looked at one by one.
    const fifty = {type: "string", enum: values(50_000)};
    const started = performance.now();
    expect(checkSchemaBounds(fifty)).toMatchObject({ok: false, limit: "enum"});
    expect(performance.now() - started).toBeLessThan(50);
    const many = {type: "object", properties: Object.fromEntries(Array.from({length: 5}, (_, i) => [`f${i}`, {enum: values(250, `f${i}-`)}]))};
    expect(checkSchemaBounds(many)).toMatchObject({ok: false, limit: "enum_total"});
    // A property that happens to be called "enum" is a schema, not a list of values.
    expect(checkSchemaBounds({type: "object", properties: {enum: {type: "string"}}}).ok).toBe(true);
  });

  it("ends on shared references and cycles (objects built in code)", () => {
    const cyclic: Record<string, unknown> = {type: "object"};
    cyclic.properties = {self: cyclic};
    expect(checkSchemaBounds(cyclic).ok).toBe(false);
    const shared = {type: "string"};
    expect(checkSchemaBounds({anyOf: [shared, shared, shared]}).ok).toBe(true);
  });

  it("refuses what is not an object, and throws stable codes", () => {
    expect(checkSchemaBounds([])).toMatchObject({ok: false, limit: "type"});
    expect(checkSchemaBounds("x")).toMatchObject({ok: false, limit: "type"});
    const thrown = (schema: unknown) => {
      try {
        assertSchemaBounds(schema, "The ticket schema");
        return null;
      } catch (error) {
        return isDesksideError(error) ? error : null;
      }
    };
    const tooDeep = thrown(nested(40));
    expect(tooDeep?.code).toBe("SCHEMA_TOO_COMPLEX");
    expect(tooDeep?.status).toBe(400);
    expect(tooDeep?.message).toMatch(/^The ticket schema is nested deeper than 32 levels \(at properties\.a/);
    expect(tooDeep?.details).toMatchObject({limit: "depth"});
    expect(thrown(null)?.code).toBe("INVALID_INPUT");
  });
});
