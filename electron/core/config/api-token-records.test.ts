import {createHash} from "node:crypto";
import {describe, expect, it} from "vitest";
import {settingsSchema} from "../../../shared/settings.js";
import {createTokenRecord, findTokenRecord, hashApiToken, matchTokenRecord, withoutTokenRecord} from "./api-token-records.js";

describe("named API token records", () => {
  it("keeps the SHA-256 of a high-entropy value, never the value", () => {
    const {record, value} = createTokenRecord([], {name: "alice", scope: "ask"}, new Date("2025-03-01T10:00:00Z"));
    expect(value).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({id: expect.stringMatching(/^tok_/), name: "alice", scope: "ask", hash: createHash("sha256").update(value).digest("hex"), createdAt: "2025-03-01T10:00:00.000Z", rateLimitPerMinute: null});
    expect(JSON.stringify(record)).not.toContain(value);
    expect(hashApiToken(value)).toBe(record.hash);
    // The settings schema takes it as it is.
    expect(settingsSchema.parse({api: {tokens: [record]}}).api.tokens).toEqual([record]);
  });

  it("matches a value to its record only", () => {
    const a = createTokenRecord([], {name: "alice", scope: "ask"});
    const b = createTokenRecord([a.record], {name: "bob", scope: "admin", rateLimitPerMinute: 30});
    const records = [a.record, b.record];
    expect(matchTokenRecord(records, a.value)?.name).toBe("alice");
    expect(matchTokenRecord(records, b.value)).toMatchObject({name: "bob", scope: "admin", rateLimitPerMinute: 30});
    expect(matchTokenRecord(records, `${a.value}x`)).toBeNull();
    expect(matchTokenRecord(records, "")).toBeNull();
    expect(matchTokenRecord([], a.value)).toBeNull();
  });

  it("refuses names that are taken (in any case), reserved or unusable as a label", () => {
    const {record} = createTokenRecord([], {name: "alice", scope: "ask"});
    expect(() => createTokenRecord([record], {name: "Alice", scope: "ask"})).toThrowError(expect.objectContaining({code: "INVALID_INPUT", message: expect.stringMatching(/already a token named/)}));
    for (const name of ["main", "MAIN", "", "two words", "-dash", "a\"b", "x".repeat(65)])
      expect(() => createTokenRecord([], {name, scope: "ask"}), name).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
    expect(() => settingsSchema.parse({api: {tokens: [record, {...record, id: "tok_other", name: "ALICE"}]}})).toThrow(/same name/);
  });

  it("finds and removes a token by name or id", () => {
    const a = createTokenRecord([], {name: "alice", scope: "ask"}).record;
    const b = createTokenRecord([a], {name: "bob", scope: "ask"}).record;
    expect(findTokenRecord([a, b], "BOB")).toBe(b);
    expect(findTokenRecord([a, b], a.id)).toBe(a);
    expect(withoutTokenRecord([a, b], "alice")).toEqual({removed: a, rest: [b]});
    expect(() => withoutTokenRecord([a, b], "carol")).toThrowError(expect.objectContaining({code: "NOT_FOUND"}));
  });
});
