/**
 * Where the app finds its files, in development and once installed.
 *
 * Pure: the caller passes what Electron knows (`app.isPackaged`, `process.resourcesPath`,
 * `app.getAppPath()`, `process.platform`), so this file never imports `electron` and is tested
 * under plain Node for every platform's path style.
 *
 * Development (`electron .` from the repository; appPath is the repository root):
 *   models     <repo>/resources/models        knowledge  <repo>/knowledge
 *   prompts    <repo>/resources/prompts       preload    <repo>/dist-electron/preload.cjs
 *   renderer   <repo>/dist/index.html         icon       <repo>/build/icons/512x512.png
 * Installed (appPath is <resources>/app.asar; electron-builder.yml puts the rest next to it):
 *   models     <resources>/models             knowledge  <resources>/knowledge
 *   prompts    <resources>/prompts            preload    <resources>/app.asar/dist-electron/preload.cjs
 *   renderer   <resources>/app.asar/dist/index.html   icon  <resources>/icon.png
 *
 * The installers built without bundled models have no models folder: callers must treat a
 * missing `bundledModelsDir` as "no bundled models", not as an error.
 */
import path from "node:path";

export interface AppPathsInput {
  /** `app.isPackaged`. */
  isPackaged: boolean;
  /** `process.resourcesPath` (the installed app's resources folder). Only read when packaged. */
  resourcesPath: string;
  /** `app.getAppPath()`: the repository root in development, `<resources>/app.asar` when packaged. */
  appPath: string;
  /** `process.platform`; decides the path style (win32 uses backslashes and drive letters). */
  platform: NodeJS.Platform;
}

export interface AppPaths {
  /** Models shipped with the app (GGUF files and embedding model folders); may not exist. */
  bundledModelsDir: string;
  /** The default knowledge base (Markdown articles) imported on first run. */
  knowledgeDir: string;
  /** Default prompt files. */
  promptsDir: string;
  /** The preload script, built as CommonJS. */
  preloadPath: string;
  /** The renderer's built files (Vite output). */
  rendererDir: string;
  /** The renderer's entry page, for `BrowserWindow.loadFile`. */
  rendererIndexHtml: string;
  /** A PNG for the window icon (used on Linux; Windows and macOS take it from the executable). */
  windowIconPath: string;
}

type PathApi = typeof path.posix;

function pathApiFor(platform: NodeJS.Platform): PathApi {
  return platform === "win32" ? path.win32 : path.posix;
}

function requireAbsolute(api: PathApi, name: string, value: string): string {
  if (typeof value !== "string" || value.length === 0 || !api.isAbsolute(value)) {
    throw new TypeError(`resolveAppPaths: ${name} must be an absolute path, got ${JSON.stringify(value)}`);
  }
  return api.normalize(value);
}

export function resolveAppPaths(input: AppPathsInput): AppPaths {
  const api = pathApiFor(input.platform);
  const appPath = requireAbsolute(api, "appPath", input.appPath);
  const rendererDir = api.join(appPath, "dist");
  const shared = {
    preloadPath: api.join(appPath, "dist-electron", "preload.cjs"),
    rendererDir,
    rendererIndexHtml: api.join(rendererDir, "index.html"),
  };

  if (input.isPackaged) {
    const resourcesPath = requireAbsolute(api, "resourcesPath", input.resourcesPath);
    return {
      ...shared,
      bundledModelsDir: api.join(resourcesPath, "models"),
      knowledgeDir: api.join(resourcesPath, "knowledge"),
      promptsDir: api.join(resourcesPath, "prompts"),
      windowIconPath: api.join(resourcesPath, "icon.png"),
    };
  }

  return {
    ...shared,
    bundledModelsDir: api.join(appPath, "resources", "models"),
    knowledgeDir: api.join(appPath, "knowledge"),
    promptsDir: api.join(appPath, "resources", "prompts"),
    windowIconPath: api.join(appPath, "build", "icons", "512x512.png"),
  };
}
