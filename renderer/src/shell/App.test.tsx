import {act, render, screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import {appInfo, conversation, emptyStatus, importJob, loadedStatus, message, model, settingsView, summary} from "../test/fixtures.js";
import {FakeTransport, fail, type FakeHandlers} from "../test/fake-transport.js";
import {baseHandlers} from "../test/render.js";
import {App} from "./App.js";

function desktopApp(handlers: FakeHandlers = {}) {
  const transport = new FakeTransport({...baseHandlers(), ...handlers});
  render(<App desktopClient={transport.client()} initialToken={null} connect={() => transport.client()} />);
  return transport;
}

describe("App shell", () => {
  it("asks a browser tab for the API token and connects with it", async () => {
    const tokens: string[] = [];
    const transport = new FakeTransport({...baseHandlers(), "app.info": () => (tokens.at(-1) === "good-token" ? baseHandlers()["app.info"]!(undefined) : fail("UNAUTHORIZED", "Missing or wrong token"))}, "browser");
    render(
      <App
        desktopClient={null}
        initialToken={null}
        connect={(token) => {
          tokens.push(token);
          return transport.client();
        }}
      />,
    );
    const user = userEvent.setup();
    expect(screen.getByRole("heading", {name: "Connect to Deskside"})).toBeTruthy();
    const field = screen.getByLabelText("API token");
    await user.type(field, "wrong-token{Enter}");
    expect(await screen.findByText("That token was not accepted. Check it and try again.")).toBeTruthy();

    await user.clear(field);
    await user.type(field, "good-token");
    await user.click(screen.getByRole("button", {name: "Connect"}));
    expect(await screen.findByRole("navigation", {name: "Main"})).toBeTruthy();
    expect(localStorage.getItem("deskside.apiToken")).toBe("good-token");
  });

  it("goes back to sign-in when a saved token is rejected", async () => {
    const transport = new FakeTransport({...baseHandlers(), "app.info": () => fail("UNAUTHORIZED", "Wrong token")}, "browser");
    render(<App desktopClient={null} initialToken="stale" connect={() => transport.client()} />);
    expect(await screen.findByText(/saved token is no longer valid/)).toBeTruthy();
  });

  it("navigates between panels and shows engine and API state in the status bar", async () => {
    desktopApp();
    const user = userEvent.setup();
    const status = await screen.findByRole("contentinfo", {name: "Status"});
    expect(await within(status).findByText("No model loaded · retrieval only")).toBeTruthy();
    expect(within(status).getByText("API http://127.0.0.1:3375")).toBeTruthy();
    await user.click(screen.getByRole("button", {name: "Knowledge"}));
    expect(await screen.findByRole("heading", {name: "Knowledge"})).toBeTruthy();
    expect(screen.getByRole("button", {name: "Knowledge"}).getAttribute("aria-current")).toBe("page");
  });

  it("shows the engine's own state in the status bar, as the Engine card does, from page load on", async () => {
    // Auto-load on and a model that fits, but the engine is idle: nothing is starting, so none is claimed.
    const transport = desktopApp({"models.status": () => emptyStatus(), "models.list": () => [model()]});
    const status = await screen.findByRole("contentinfo", {name: "Status"});
    expect(await within(status).findByText("No model loaded · retrieval only")).toBeTruthy();
    expect(within(status).queryByText(/Starting/)).toBeNull();
    await userEvent.setup().click(screen.getByRole("button", {name: "Models & GPU"}));
    const engine = await screen.findByRole("region", {name: "Loaded model"});
    expect(within(engine).getByText("Idle")).toBeTruthy();

    transport.emit("models.status", emptyStatus({state: "loading", progress: 0, model: loadedStatus().model}));
    transport.emit("models.loadProgress", {model: "qwen2.5-3b-instruct-q4_k_m.gguf", progress: 0.42});
    expect(within(status).getByText("Loading Qwen2.5 3B Instruct… 42%")).toBeTruthy();
    expect(within(engine).getByText("42%")).toBeTruthy();
    transport.emit("models.status", loadedStatus());
    expect(within(status).getByText("Ready · Qwen2.5 3B Instruct")).toBeTruthy();
    expect(status.querySelector(".status-dot-ok")).not.toBeNull();
    transport.emit("models.status", emptyStatus({state: "failed", error: {code: "MODEL_LOAD_FAILED", message: "Not enough memory for this model."}}));
    expect(within(status).getByText("Model failed to load: Not enough memory for this model.")).toBeTruthy();
    expect(within(engine).getByText("Failed")).toBeTruthy();
  });

  it("Ctrl+K opens a new chat from any panel", async () => {
    desktopApp({"chat.list": () => [summary()], "chat.get": () => conversation([message({id: "q1", role: "user", content: "Old question"}), message({id: "a1", content: "Old answer"})])});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await screen.findByText("Old answer");
    await user.click(screen.getByRole("button", {name: "Settings"}));
    await user.keyboard("{Control>}k{/Control}");
    await waitFor(() => expect(screen.queryByText("Old answer")).toBeNull());
    expect(screen.getByText("What are you working on?")).toBeTruthy();
    expect(screen.getByRole("button", {name: "Chat"}).getAttribute("aria-current")).toBe("page");
  });

  it("? lists the keyboard shortcuts, except while typing, and Escape closes the list", async () => {
    desktopApp();
    const user = userEvent.setup();
    const composer = await screen.findByRole("textbox", {name: "Message"});
    await user.click(composer);
    await user.keyboard("?");
    expect(screen.queryByRole("dialog", {name: "Keyboard shortcuts"})).toBeNull();
    expect((composer as HTMLTextAreaElement).value).toBe("?");
    await user.click(screen.getByRole("button", {name: "Settings"}));
    await user.keyboard("?");
    const list = await screen.findByRole("dialog", {name: "Keyboard shortcuts"});
    expect(within(list).getByText("New chat (from any panel)")).toBeTruthy();
    expect(within(list).getByText(/stop the answer being written/)).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog", {name: "Keyboard shortcuts"})).toBeNull());
  });

  it("shows settings-file warnings as a dismissible banner", async () => {
    desktopApp({"settings.get": () => settingsView({warnings: [{code: "SETTINGS_CORRUPT", message: "The settings file was unreadable. Defaults are in use."}]})});
    const user = userEvent.setup();
    const warning = await screen.findByText("The settings file was unreadable. Defaults are in use.");
    await user.click(within(warning.closest(".banner") as HTMLElement).getByRole("button", {name: "Dismiss"}));
    expect(screen.queryByText("The settings file was unreadable. Defaults are in use.")).toBeNull();
  });

  it("shows core notices as toasts", async () => {
    const transport = desktopApp();
    await screen.findByRole("navigation", {name: "Main"});
    // The shell subscribes in an effect after its first render; on a busy machine that can come later.
    await waitFor(() => expect(transport.listening("app.notice")).toBe(true));
    transport.emit("app.notice", {level: "warning", code: "PORT_IN_USE", message: "Port 3375 is taken; the API is off."});
    expect((await screen.findByText("Port 3375 is taken; the API is off.")).closest("[data-code]")?.getAttribute("data-code")).toBe("PORT_IN_USE");
  });

  it("keeps the first-run screen current: the starter import finishing shows without a reload", async () => {
    let imported = false;
    const transport = desktopApp({
      "app.info": () => appInfo({firstRun: true, defaultKnowledge: imported ? {imported: true, documents: 34} : {imported: false, documents: 0}}),
    });
    expect(await screen.findByText(/starter knowledge base is not imported yet/)).toBeTruthy();
    imported = true;
    // The core marks the import done in the settings once the job has ended.
    transport.emit("knowledge.job", importJob({id: "starter", state: "done", counts: {queued: 0, done: 34, skipped: 0, failed: 0, cancelled: 0}}));
    transport.emit("settings.changed", settingsView());
    expect(await screen.findByText("34 documents")).toBeTruthy();
    expect(screen.queryByText(/not imported yet/)).toBeNull();
  });

  it("greys out the engine status while live updates are paused", async () => {
    let report: (connected: boolean) => void = () => undefined;
    const transport = new FakeTransport({...baseHandlers(), "models.status": () => loadedStatus()}, "browser");
    render(
      <App
        desktopClient={null}
        initialToken="t0k"
        connect={(_token, onConnectionChange) => {
          report = onConnectionChange;
          return transport.client();
        }}
      />,
    );
    const status = await screen.findByRole("contentinfo", {name: "Status"});
    expect(await within(status).findByText("Ready · Qwen2.5 3B Instruct")).toBeTruthy();
    act(() => report(false));
    expect(within(status).getByText("Engine status unknown")).toBeTruthy();
    expect(within(status).getByText(/Live updates paused/)).toBeTruthy();
    expect(status.querySelector(".status-dot-ok")).toBeNull();

    // Back online, state that may have changed meanwhile is fetched again.
    const before = transport.callsOf("models.status").length;
    act(() => report(true));
    expect(await within(status).findByText("Ready · Qwen2.5 3B Instruct")).toBeTruthy();
    await waitFor(() => expect(transport.callsOf("models.status").length).toBeGreaterThan(before));
  });
});
