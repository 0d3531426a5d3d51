import {describe, expect, it} from "vitest";
import {message} from "../../test/fixtures.js";
import {MessageLedger} from "./message-ledger.js";

const question = message({id: "q1", role: "user", content: "Printer jams"});
const streaming = message({id: "a1", status: "streaming", content: ""});
const final = message({id: "a1", content: "Clear the card path.", mode: "grounded"});
const ids = (list: {id: string; content: string}[]) => list.map((item) => `${item.id}:${item.content}`);

describe("MessageLedger", () => {
  it("keeps an answer an event delivered when the snapshot does not have it yet", () => {
    const ledger = new MessageLedger();
    const startedAt = ledger.now();
    ledger.record(final);
    expect(ids(ledger.merge([question, final], [question], startedAt))).toEqual(["q1:Printer jams", "a1:Clear the card path."]);
  });

  it("prefers a final copy over a streaming one, whenever either was taken", () => {
    const ledger = new MessageLedger();
    ledger.record(final);
    const startedAt = ledger.now();
    expect(ledger.merge([question, final], [question, streaming], startedAt)[1]).toBe(final);
  });

  it("lets a snapshot that has caught up win, and forgets the local copy then", () => {
    const ledger = new MessageLedger();
    ledger.record(final);
    const stored = {...final, feedback: {rating: "up" as const, comment: null}};
    const startedAt = ledger.now();
    expect(ledger.merge([question, final], [question, stored], startedAt)[1]).toBe(stored);
    expect(ledger.get("a1")).toBeNull();
    // Once forgotten, a later snapshot is simply taken as it is.
    expect(ledger.merge([question, stored], [question], ledger.now())).toEqual([question]);
  });

  it("keeps a copy that changed after the fetch began over an equally final stored one", () => {
    const ledger = new MessageLedger();
    const startedAt = ledger.now();
    const rated = {...final, feedback: {rating: "down" as const, comment: "Wrong port"}};
    ledger.record(rated);
    expect(ledger.merge([question, rated], [question, final], startedAt)[1]).toBe(rated);
  });

  it("does not bring back a message removed after the fetch began", () => {
    const ledger = new MessageLedger();
    const startedAt = ledger.now();
    ledger.remove("a1");
    const next = message({id: "a2", status: "streaming"});
    ledger.record(next);
    expect(ids(ledger.merge([question, next], [question, final], startedAt))).toEqual(["q1:Printer jams", "a2:"]);
  });

  it("keeps pending messages in their place between stored ones", () => {
    const ledger = new MessageLedger();
    const earlier = [message({id: "q0", role: "user", content: "Earlier"}), message({id: "a0", content: "Earlier answer"})];
    const startedAt = ledger.now();
    ledger.record(question);
    ledger.record(streaming);
    expect(ledger.merge([...earlier, question, streaming], earlier, startedAt).map((item) => item.id)).toEqual(["q0", "a0", "q1", "a1"]);
  });

  it("drops local messages nobody vouches for", () => {
    const ledger = new MessageLedger();
    expect(ledger.merge([question, final], [question], ledger.now())).toEqual([question]);
  });
});
