import {describe, expect, it} from "vitest";
import {NearCopies} from "./near-copies.js";

const PAGE =
  "Thus, no files on a system should be owned by this user or group. (Technically, nobody is also the user that NFS maps root to.) A daemon that needs to run as a user of its own should get a dedicated user; running it as nobody is far worse.";

describe("near copies", () => {
  it("takes the same text cut, wrapped and punctuated otherwise as a copy", () => {
    const copies = new NearCopies(0.5);
    expect(copies.isCopy(PAGE)).toBe(false);
    // The text format's passage starts earlier and stops sooner, in other line breaks.
    const text = "dedicated user is far preferable.\n\nThus, no files on a system should be owned by this user\nor group. (Technically, nobody is also the user that NFS maps\nroot to.) A daemon that needs to run as a user";
    expect(copies.isCopy(text)).toBe(true);
  });

  it("keeps passages that only share a phrase, and short passages unless they are the same", () => {
    const copies = new NearCopies(0.5);
    expect(copies.isCopy(PAGE)).toBe(false);
    expect(copies.isCopy("No files on a system should be owned by this user or group, but a backup account may own its archive, which is checked every night by the monitoring job and reported by mail.")).toBe(false);
    expect(copies.isCopy("Restart the spooler.")).toBe(false);
    expect(copies.isCopy("restart  the SPOOLER")).toBe(true);
    expect(copies.isCopy("Restart the print spooler.")).toBe(false);
  });

  it("with share 0, only the same words in the same order are copies", () => {
    const copies = new NearCopies(0);
    expect(copies.isCopy(PAGE)).toBe(false);
    expect(copies.isCopy(PAGE.replace("Thus, ", ""))).toBe(false);
    expect(copies.isCopy(PAGE.toUpperCase())).toBe(true);
  });
});
