// The desktop shell: window, menu, single instance, drops and IPC. No business logic lives here;
// everything goes through the core's contract, exactly as the browser does over HTTP.
import {app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, screen, session, shell} from "electron";
import ElectronStore from "electron-store";
import path from "node:path";
import {pathToFileURL} from "node:url";
import {createAppCore, type DesksideCore} from "./core/app-core.js";
import {startApi, type RunningApi} from "./core/api/start-api.js";
import {resolveOverrides} from "./core/config/runtime-config.js";
import {eventVisibleTo} from "./core/event-audience.js";
import {LOCAL_CALLER} from "../shared/api-tokens.js";
import {toErrorInfo} from "../shared/errors.js";
import {IPC_CHANNELS, type PickFilesOptions, type PickSavePathOptions} from "../shared/ipc.js";
import {CONTENT_SECURITY_POLICY, isAppUrl, isSafeExternalUrl, secureWebPreferences} from "./shell/security-policy.js";
import {restoreBounds, type WindowBounds} from "./shell/window-state.js";
import {pathsFromArgv} from "./shell/launch-paths.js";
import {resolveAppPaths} from "./shell/resource-paths.js";

app.setName("Deskside");
if (!app.requestSingleInstanceLock()) app.quit();

let core: DesksideCore | null = null;
let api: RunningApi | null = null;
let window: BrowserWindow | null = null;
const paths = resolveAppPaths({isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), platform: process.platform});
const windowStore = new ElectronStore<{bounds?: WindowBounds}>({name: "window-state"});

function importLaunchPaths(argv: string[], cwd: string): void {
  const found = pathsFromArgv(argv, cwd);
  if (found.length && core) void core.rpc.respond("knowledge.import", {paths: found}, {transport: "ipc"});
}

function createWindow(): BrowserWindow {
  const bounds = restoreBounds(windowStore.get("bounds"), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 360,
    minHeight: 480,
    title: "Deskside",
    show: false,
    backgroundColor: "#111418",
    webPreferences: secureWebPreferences(paths.preloadPath),
  });
  if (bounds.maximized) win.maximize();
  const indexUrl = pathToFileURL(paths.rendererIndexHtml).toString();
  win.webContents.on("will-navigate", (event, url) => {
    if (!isAppUrl(url, indexUrl)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({url}) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return {action: "deny"};
  });
  const saveBounds = () => windowStore.set("bounds", {...win.getNormalBounds(), maximized: win.isMaximized()});
  win.on("close", saveBounds);
  win.once("ready-to-show", () => win.show());
  void win.loadURL(indexUrl);
  return win;
}

function buildMenu(): void {
  const isMac = process.platform === "darwin";
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(isMac ? [{role: "appMenu" as const}] : []),
    {
      label: "File",
      submenu: [
        {
          label: "Import Documents…",
          accelerator: "CmdOrCtrl+O",
          click: async () => {
            const result = await dialog.showOpenDialog({properties: ["openFile", "openDirectory", "multiSelections"]});
            if (!result.canceled && core) void core.rpc.respond("knowledge.import", {paths: result.filePaths}, {transport: "ipc"});
          },
        },
        {type: "separator"},
        isMac ? {role: "close"} : {role: "quit"},
      ],
    },
    {role: "editMenu"},
    {role: "viewMenu"},
    {role: "windowMenu"},
    {role: "help", submenu: [{label: "API documentation", click: () => api?.url && void shell.openExternal(`${api.url}/docs`)}]},
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function wireIpc(current: DesksideCore): void {
  ipcMain.handle(IPC_CHANNELS.invoke, (_event, method: unknown, input: unknown) => current.rpc.respond(String(method), input, {transport: "ipc"}));
  ipcMain.handle(IPC_CHANNELS.openPath, async (_event, target: unknown) => {
    // Only documents the knowledge base knows may be opened, never an arbitrary path from the page;
    // and only imported files: an upload's source is the name its client sent, not a file here.
    const known = typeof target === "string" && path.isAbsolute(target) && (await current.knowledge.listDocuments()).some((d) => d.sourcePath === target);
    return known ? shell.openPath(String(target)) : "That file is not in the knowledge base.";
  });
  ipcMain.handle(IPC_CHANNELS.pickFiles, async (_event, options: PickFilesOptions) => {
    const result = await dialog.showOpenDialog({properties: [options?.directories ? "openDirectory" : "openFile", "multiSelections"], filters: options?.filters});
    return result.canceled ? [] : result.filePaths;
  });
  ipcMain.handle(IPC_CHANNELS.pickSavePath, async (_event, options: PickSavePathOptions) => {
    const result = await dialog.showSaveDialog({defaultPath: path.basename(String(options?.defaultName ?? "")), filters: options?.filters});
    return result.canceled || !result.filePath ? null : result.filePath;
  });
  // The window is the owner's: conversations of named API tokens never reach it.
  current.events.onAny((name, payload, audience) => {
    if (!eventVisibleTo(audience, LOCAL_CALLER)) return;
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_CHANNELS.event, name, payload);
  });
}

app.on("second-instance", (_event, argv, cwd) => {
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
  importLaunchPaths(argv, cwd);
});

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({responseHeaders: {...details.responseHeaders, "Content-Security-Policy": [CONTENT_SECURITY_POLICY]}});
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const overrides = resolveOverrides(process.argv.slice(1), process.env);
  core = await createAppCore({
    overrides,
    dataDir: overrides.dataDir ?? app.getPath("userData"),
    bundledModelsDir: paths.bundledModelsDir,
    knowledgeDir: paths.knowledgeDir,
    host: "electron",
    version: app.getVersion(),
    settingsBacking: (dataDir) => new ElectronStore<Record<string, unknown>>({cwd: dataDir, name: "settings", clearInvalidConfig: false, configFileMode: 0o600}),
  });
  wireIpc(core);
  buildMenu();
  window = createWindow();
  // The API failing to bind (port in use) is shown in the app, not fatal.
  api = await startApi(core.api, {rendererDir: path.dirname(paths.rendererIndexHtml), throwOnError: false});
  importLaunchPaths(process.argv.slice(1), process.cwd());
  // Watch events may have been missed while the machine slept; every watched folder compares all its files.
  powerMonitor.on("resume", () => core?.folders.rescanAll());
}).catch((error: unknown) => {
  // E.g. DATA_DIR_IN_USE while `npm run serve` holds the folder: say so instead of failing silently.
  const info = toErrorInfo(error);
  dialog.showErrorBox("Deskside could not start", `${info.code}: ${info.message}`);
  app.exit(1);
});

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});
app.on("activate", () => {
  if (BrowserWindow.getAllWindows().length === 0 && core) window = createWindow();
});

let quitting = false;
app.on("before-quit", (event) => {
  if (quitting || !core) return;
  event.preventDefault();
  quitting = true;
  void (async () => {
    await api?.close().catch(() => undefined);
    await core?.close().catch(() => undefined);
    app.exit(0);
  })();
});
