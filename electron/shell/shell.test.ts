import path from "node:path";
import {describe, expect, it} from "vitest";
import {CONTENT_SECURITY_POLICY, isAppUrl, isSafeExternalUrl, secureWebPreferences} from "./security-policy.js";
import {restoreBounds} from "./window-state.js";
import {pathsFromArgv} from "./launch-paths.js";

describe("security policy", () => {
  it("allows only http(s) links out", () => {
    expect(isSafeExternalUrl("https://learn.example.com/vpn")).toBe(true);
    expect(isSafeExternalUrl("http://intranet/kb")).toBe(true);
    for (const bad of ["file:///etc/passwd", "javascript:alert(1)", "smb://server/share", "ms-settings:network", "not a url", "https://"]) expect(isSafeExternalUrl(bad)).toBe(false);
  });

  it("keeps navigation inside the app", () => {
    const app = "file:///opt/Deskside/resources/app.asar/dist/index.html";
    expect(isAppUrl(`${app}#/chat`, app)).toBe(true);
    expect(isAppUrl("file:///etc/hosts", app)).toBe(false);
    expect(isAppUrl("https://evil.example/", app)).toBe(false);
  });

  it("isolates the renderer and forbids remote code", () => {
    expect(secureWebPreferences("/p.cjs")).toMatchObject({contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true});
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:/);
  });
});

describe("window state", () => {
  const displays = [{x: 0, y: 0, width: 1920, height: 1080}];
  it("restores bounds that are on screen", () => {
    expect(restoreBounds({x: 100, y: 80, width: 1200, height: 700}, displays)).toEqual({x: 100, y: 80, width: 1200, height: 700, maximized: false});
  });
  it("recentres a window whose display is gone and fits it to the screen", () => {
    expect(restoreBounds({x: 3000, y: 80, width: 2500, height: 700}, displays)).toEqual({width: 1920, height: 700, maximized: false});
  });
  it("falls back to defaults for garbage", () => {
    expect(restoreBounds("nope", displays)).toEqual({width: 1280, height: 800});
    expect(restoreBounds({width: -1, height: 5}, displays)).toEqual({width: 1280, height: 800});
  });
});

describe("launch paths", () => {
  it("keeps existing files and folders, drops flags and the app itself", () => {
    const present = new Set([path.resolve("/work/runbooks"), path.resolve("/work/a b/VPN 手册.pdf")]);
    const argv = ["/usr/bin/electron", "/app/dist-electron/main.js", "--inspect", "/work/runbooks", "/work/a b/VPN 手册.pdf", "/missing.txt", "/work/runbooks"];
    expect(pathsFromArgv(argv, "/", (p) => present.has(p))).toEqual([path.resolve("/work/runbooks"), path.resolve("/work/a b/VPN 手册.pdf")]);
  });
});
