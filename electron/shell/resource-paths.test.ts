import {readFileSync, statSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {resolveAppPaths} from "./resource-paths.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("resolveAppPaths in development", () => {
  it("resolves everything from the repository on Linux and macOS", () => {
    for (const platform of ["linux", "darwin"] as const) {
      const paths = resolveAppPaths({isPackaged: false, resourcesPath: "/usr/lib/electron/resources", appPath: "/home/tech/deskside", platform});
      expect(paths).toEqual({
        bundledModelsDir: "/home/tech/deskside/resources/models",
        knowledgeDir: "/home/tech/deskside/knowledge",
        promptsDir: "/home/tech/deskside/resources/prompts",
        preloadPath: "/home/tech/deskside/dist-electron/preload.cjs",
        rendererDir: "/home/tech/deskside/dist",
        rendererIndexHtml: "/home/tech/deskside/dist/index.html",
        windowIconPath: "/home/tech/deskside/build/icons/512x512.png",
      });
    }
  });

  it("uses Windows separators on win32 and ignores Electron's own resources folder", () => {
    const paths = resolveAppPaths({
      isPackaged: false,
      resourcesPath: "C:\\src\\deskside\\node_modules\\electron\\dist\\resources",
      appPath: "C:\\src\\deskside",
      platform: "win32",
    });
    expect(paths.bundledModelsDir).toBe("C:\\src\\deskside\\resources\\models");
    expect(paths.knowledgeDir).toBe("C:\\src\\deskside\\knowledge");
    expect(paths.promptsDir).toBe("C:\\src\\deskside\\resources\\prompts");
    expect(paths.preloadPath).toBe("C:\\src\\deskside\\dist-electron\\preload.cjs");
    expect(paths.rendererIndexHtml).toBe("C:\\src\\deskside\\dist\\index.html");
    expect(paths.windowIconPath).toBe("C:\\src\\deskside\\build\\icons\\512x512.png");
  });

  it("points at folders and files that exist in this repository", () => {
    const paths = resolveAppPaths({isPackaged: false, resourcesPath: "/unused", appPath: REPO_ROOT, platform: process.platform});
    // Built outputs (dist/, dist-electron/) are absent until `npm run build`; sources must be there.
    for (const dir of [paths.bundledModelsDir, paths.knowledgeDir, paths.promptsDir]) expect(statSync(dir).isDirectory()).toBe(true);
    expect(readFileSync(paths.windowIconPath).subarray(1, 4).toString("ascii")).toBe("PNG");
  });
});

describe("resolveAppPaths when installed", () => {
  it("Linux: resources next to app.asar, app files inside it", () => {
    const paths = resolveAppPaths({
      isPackaged: true,
      resourcesPath: "/opt/Deskside/resources",
      appPath: "/opt/Deskside/resources/app.asar",
      platform: "linux",
    });
    expect(paths).toEqual({
      bundledModelsDir: "/opt/Deskside/resources/models",
      knowledgeDir: "/opt/Deskside/resources/knowledge",
      promptsDir: "/opt/Deskside/resources/prompts",
      preloadPath: "/opt/Deskside/resources/app.asar/dist-electron/preload.cjs",
      rendererDir: "/opt/Deskside/resources/app.asar/dist",
      rendererIndexHtml: "/opt/Deskside/resources/app.asar/dist/index.html",
      windowIconPath: "/opt/Deskside/resources/icon.png",
    });
  });

  it("Linux AppImage: works from the temporary mount point", () => {
    const paths = resolveAppPaths({
      isPackaged: true,
      resourcesPath: "/tmp/.mount_DesksiAbC123/resources",
      appPath: "/tmp/.mount_DesksiAbC123/resources/app.asar",
      platform: "linux",
    });
    expect(paths.bundledModelsDir).toBe("/tmp/.mount_DesksiAbC123/resources/models");
    expect(paths.preloadPath).toBe("/tmp/.mount_DesksiAbC123/resources/app.asar/dist-electron/preload.cjs");
  });

  it("macOS: inside the .app bundle, with spaces in the path", () => {
    const resources = "/Applications/Deskside.app/Contents/Resources";
    const paths = resolveAppPaths({isPackaged: true, resourcesPath: resources, appPath: `${resources}/app.asar`, platform: "darwin"});
    expect(paths.bundledModelsDir).toBe(`${resources}/models`);
    expect(paths.knowledgeDir).toBe(`${resources}/knowledge`);
    expect(paths.promptsDir).toBe(`${resources}/prompts`);
    expect(paths.preloadPath).toBe(`${resources}/app.asar/dist-electron/preload.cjs`);
    expect(paths.rendererIndexHtml).toBe(`${resources}/app.asar/dist/index.html`);

    const spaced = "/Users/Pat Smith/Applications/Deskside.app/Contents/Resources";
    expect(resolveAppPaths({isPackaged: true, resourcesPath: spaced, appPath: `${spaced}/app.asar`, platform: "darwin"}).bundledModelsDir).toBe(
      `${spaced}/models`,
    );
  });

  it("Windows: per-user install folder with backslashes", () => {
    const resources = "C:\\Users\\pat\\AppData\\Local\\Programs\\Deskside\\resources";
    const paths = resolveAppPaths({isPackaged: true, resourcesPath: resources, appPath: `${resources}\\app.asar`, platform: "win32"});
    expect(paths).toEqual({
      bundledModelsDir: `${resources}\\models`,
      knowledgeDir: `${resources}\\knowledge`,
      promptsDir: `${resources}\\prompts`,
      preloadPath: `${resources}\\app.asar\\dist-electron\\preload.cjs`,
      rendererDir: `${resources}\\app.asar\\dist`,
      rendererIndexHtml: `${resources}\\app.asar\\dist\\index.html`,
      windowIconPath: `${resources}\\icon.png`,
    });
  });

  it("Windows: accepts forward slashes and a UNC install path, and normalizes them", () => {
    const paths = resolveAppPaths({isPackaged: true, resourcesPath: "D:/Apps/Deskside/resources/", appPath: "D:/Apps/Deskside/resources/app.asar", platform: "win32"});
    expect(paths.bundledModelsDir).toBe("D:\\Apps\\Deskside\\resources\\models");
    expect(paths.preloadPath).toBe("D:\\Apps\\Deskside\\resources\\app.asar\\dist-electron\\preload.cjs");

    const unc = resolveAppPaths({
      isPackaged: true,
      resourcesPath: "\\\\fileserver\\apps\\Deskside\\resources",
      appPath: "\\\\fileserver\\apps\\Deskside\\resources\\app.asar",
      platform: "win32",
    });
    expect(unc.knowledgeDir).toBe("\\\\fileserver\\apps\\Deskside\\resources\\knowledge");
  });
});

describe("resolveAppPaths input checks", () => {
  it("rejects relative or empty paths with a clear message", () => {
    expect(() => resolveAppPaths({isPackaged: false, resourcesPath: "", appPath: "deskside", platform: "linux"})).toThrow(/appPath must be an absolute path/);
    expect(() => resolveAppPaths({isPackaged: true, resourcesPath: "resources", appPath: "/opt/Deskside/resources/app.asar", platform: "linux"})).toThrow(
      /resourcesPath must be an absolute path/,
    );
    // A drive-letter path is not absolute on POSIX.
    expect(() => resolveAppPaths({isPackaged: false, resourcesPath: "", appPath: "C:\\src\\deskside", platform: "linux"})).toThrow(/appPath/);
  });

  it("does not need resourcesPath in development", () => {
    expect(() => resolveAppPaths({isPackaged: false, resourcesPath: "", appPath: "/srv/deskside", platform: "linux"})).not.toThrow();
  });
});
