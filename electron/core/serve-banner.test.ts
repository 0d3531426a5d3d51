import {describe, expect, it} from "vitest";
import {maskToken, readyLines, wantsPrintedToken} from "./serve-banner.js";

const token = "dsk_Zq3xY7mW9pL2vB8nK4cR6tH1jF5gD0sA";
const base = {url: "http://127.0.0.1:3375", token, dataDir: "/srv/deskside", settingsFile: "/srv/deskside/settings.json", tokenFromEnvironment: false, printToken: false};

describe("the server's ready lines", () => {
  it("never print the token unless asked, and say where to find it", () => {
    const text = readyLines(base).join("\n");
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(4, 20));
    expect(text).toContain("Deskside listening on http://127.0.0.1:3375");
    expect(text).toContain("API token: dsk_…D0sA");
    expect(text).toContain("api.token in /srv/deskside/settings.json");
    expect(readyLines({...base, tokenFromEnvironment: true}).join("\n")).toContain("DESKSIDE_API_TOKEN");
  });

  it("print the address with the token when asked", () => {
    expect(readyLines({...base, printToken: true})).toContain(`Open the app: http://127.0.0.1:3375/#token=${token}`);
    expect(wantsPrintedToken(["--port", "0", "--print-token"], {})).toBe(true);
    expect(wantsPrintedToken([], {DESKSIDE_PRINT_TOKEN: "1"})).toBe(true);
    expect(wantsPrintedToken([], {})).toBe(false);
  });

  it("mask short tokens completely", () => {
    expect(maskToken("hunter2-token")).toBe("••••••••");
  });
});
