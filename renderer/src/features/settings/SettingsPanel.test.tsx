import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {SettingsView} from "../../../../shared/contract.js";
import {DEFAULT_SYSTEM_PROMPT} from "../../../../shared/settings.js";
import {settingsView, TEST_TOKEN} from "../../test/fixtures.js";
import {fail} from "../../test/fake-transport.js";
import {renderWithClient} from "../../test/render.js";
import {SettingsPanel} from "./SettingsPanel.js";

/** A settings.update fake that deep-merges like the core and rejects out-of-range temperatures. */
function settingsBackend(initial = settingsView()) {
  let view: SettingsView = initial;
  let token = TEST_TOKEN;
  return {
    get: () => view,
    token: () => ({token}),
    regenerate: () => {
      token = "dsk_new_token";
      view = {...view};
      return view;
    },
    update: (patch: Record<string, unknown>) => {
      const generation = patch.generation as {temperature?: number} | undefined;
      if (generation?.temperature !== undefined && generation.temperature > 2) fail("SETTINGS_INVALID", "Setting rejected: generation.temperature: Too big: expected number to be <=2");
      // Like the core: the key is kept, and only whether it is set comes back.
      const remote = (patch.llm as {remote?: Record<string, unknown>} | undefined)?.remote;
      const {apiKey, ...rest} = remote ?? {};
      if (remote) patch = {...patch, llm: {...(patch.llm as object), remote: rest}};
      const secrets = typeof apiKey === "string" ? {...view.secrets, "llm.remote.apiKey": {set: apiKey !== ""}} : view.secrets;
      const settings = structuredClone(view.settings) as unknown as Record<string, Record<string, unknown>>;
      for (const [section, values] of Object.entries(patch)) settings[section] = deepMerge(settings[section], values as Record<string, unknown>);
      view = {...view, secrets, settings: settings as unknown as SettingsView["settings"]};
      return view;
    },
  };
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = {...base};
  for (const [key, value] of Object.entries(patch)) out[key] = value && typeof value === "object" && !Array.isArray(value) ? deepMerge(base[key] as Record<string, unknown>, value as Record<string, unknown>) : value;
  return out;
}

function renderSettings(backend = settingsBackend(), options: Parameters<typeof renderWithClient>[2] = {}) {
  return renderWithClient(
    <SettingsPanel />,
    {
      "settings.get": backend.get,
      "settings.update": backend.update,
      "settings.reset": () => settingsView(),
      "settings.apiToken": backend.token,
      "settings.regenerateToken": backend.regenerate,
    },
    options,
  );
}

describe("SettingsPanel", () => {
  it("applies a change live and shows the core's validation error inline", async () => {
    const {transport} = renderSettings();
    const user = userEvent.setup();
    const temperature = await screen.findByRole("spinbutton", {name: "Temperature"});
    await user.clear(temperature);
    await user.type(temperature, "0.7");
    await user.tab();
    await waitFor(() => expect(transport.callsOf("settings.update")).toContainEqual({generation: {temperature: 0.7}}));

    await user.clear(temperature);
    await user.type(temperature, "5");
    await user.tab();
    const error = await screen.findByText(/generation\.temperature: Too big/);
    expect(error.getAttribute("role")).toBe("alert");
    expect(temperature.getAttribute("aria-invalid")).toBe("true");
    expect(temperature.getAttribute("aria-describedby")).toContain(error.id);

    await user.clear(temperature);
    await user.type(temperature, "1");
    await user.tab();
    await waitFor(() => expect(screen.queryByText(/Too big/)).toBeNull());
  });

  it("follows settings.changed from elsewhere", async () => {
    const {transport} = renderSettings();
    const maxTokens = await screen.findByRole("spinbutton", {name: "Max answer length"});
    expect((maxTokens as HTMLInputElement).value).toBe("1024");
    const view = settingsView();
    view.settings.generation.maxTokens = 2048;
    view.settings.ui.theme = "dark";
    transport.emit("settings.changed", view);
    await waitFor(() => expect((maxTokens as HTMLInputElement).value).toBe("2048"));
    expect(screen.getByRole("radio", {name: "Dark"}).getAttribute("aria-checked")).toBe("true");
  });

  it("switches theme, toggles redaction and nested remote fields", async () => {
    const {transport} = renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("radio", {name: "Dark"}));
    await user.click(screen.getByRole("switch", {name: "Also mask email addresses"}));
    await user.type(screen.getByRole("textbox", {name: "Base URL"}), "http://gpu:8080/v1");
    await user.tab();
    await waitFor(() =>
      expect(transport.callsOf("settings.update")).toEqual([{ui: {theme: "dark"}}, {redaction: {emails: true}}, {llm: {remote: {baseUrl: "http://gpu:8080/v1"}}}]),
    );
    expect(screen.getByRole("switch", {name: "Also mask email addresses"}).getAttribute("aria-checked")).toBe("true");
  });

  it("shows, copies and regenerates the API token", async () => {
    const {transport} = renderSettings();
    const user = userEvent.setup();
    const token = (await screen.findByLabelText("API token")) as HTMLInputElement;
    expect(token.type).toBe("password");
    // The desktop app asks the core for the token (settings.apiToken); views never carry it.
    await user.click(await screen.findByRole("button", {name: "Show token"}));
    expect(token.type).toBe("text");
    await user.click(screen.getByRole("button", {name: "Copy token"}));
    expect(await navigator.clipboard.readText()).toBe(TEST_TOKEN);
    await user.click(screen.getByRole("button", {name: "Regenerate"}));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", {name: "Regenerate"}));
    expect(transport.callsOf("settings.regenerateToken")).toHaveLength(1);
    await waitFor(() => expect(token.value).toBe("dsk_new_token"));
  });

  it("asks before allowing LAN access and warns while it is on", async () => {
    const {transport} = renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("switch", {name: /Allow access from other computers/}));
    const dialog = screen.getByRole("dialog", {name: "Allow access from the network?"});
    await user.click(within(dialog).getByRole("button", {name: "Allow LAN access"}));
    await waitFor(() => expect(transport.callsOf("settings.update")).toEqual([{api: {allowLan: true}}]));
    expect(await screen.findByText("The API is reachable from your network")).toBeTruthy();
  });

  it("resets the system prompt and all settings", async () => {
    const backend = settingsBackend();
    backend.update({chat: {systemPrompt: "Be brief."}});
    const {transport} = renderSettings(backend);
    const user = userEvent.setup();
    const reset = await screen.findByRole("button", {name: "Reset to default"});
    await waitFor(() => expect((reset as HTMLButtonElement).disabled).toBe(false));
    await user.click(reset);
    expect(transport.callsOf("settings.update")).toContainEqual({chat: {systemPrompt: DEFAULT_SYSTEM_PROMPT}});

    await user.click(screen.getByRole("button", {name: "Reset settings…"}));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", {name: "Reset settings"}));
    expect(transport.callsOf("settings.reset")).toHaveLength(1);
    expect(screen.getByText("/home/tech/.config/Deskside")).toBeTruthy();
  });

  it("disables settings fixed by the server's environment and says why", async () => {
    renderSettings(settingsBackend(settingsView({overridden: ["api.token", "api.port"]})));
    const port = (await screen.findByRole("spinbutton", {name: "Port"})) as HTMLInputElement;
    expect(port.disabled).toBe(true);
    const portHint = document.getElementById(port.getAttribute("aria-describedby") ?? "");
    expect(portHint?.textContent).toContain("Set by the server's environment for this run");

    const regenerate = screen.getByRole("button", {name: "Regenerate"}) as HTMLButtonElement;
    expect(regenerate.disabled).toBe(true);
    const token = screen.getByLabelText("API token");
    expect(document.getElementById(token.getAttribute("aria-describedby") ?? "")?.textContent).toContain("Set by the server's environment for this run");
    // Showing and copying the token in effect still work.
    expect(((await screen.findByRole("button", {name: "Copy token"})) as HTMLButtonElement).disabled).toBe(false);

    // Settings that are not overridden stay editable.
    expect((screen.getByRole("spinbutton", {name: "Temperature"}) as HTMLInputElement).disabled).toBe(false);
    expect(screen.getAllByText("Set by the server's environment for this run")).toHaveLength(2);
  });

  it("treats the remote engine's key as write-only: set or not, change, clear", async () => {
    const {transport} = renderSettings();
    const user = userEvent.setup();
    const state = await screen.findByLabelText("API key");
    expect(state.textContent).toBe("Not set");
    await user.click(screen.getByRole("button", {name: "Set"}));
    const input = screen.getByLabelText("API key") as HTMLInputElement;
    expect(input.type).toBe("password");
    expect(input.value).toBe("");
    await user.type(input, "sk-remote-1{Enter}");
    await waitFor(() => expect(screen.getByLabelText("API key").textContent).toBe("Set"));
    await user.click(screen.getByRole("button", {name: "Change"}));
    expect((screen.getByLabelText("API key") as HTMLInputElement).value).toBe("");
    await user.click(screen.getByRole("button", {name: "Cancel"}));
    await user.click(screen.getByRole("button", {name: "Clear"}));
    await waitFor(() => expect(screen.getByLabelText("API key").textContent).toBe("Not set"));
    expect(transport.callsOf("settings.update")).toEqual([{llm: {remote: {apiKey: "sk-remote-1"}}}, {llm: {remote: {apiKey: ""}}}]);
    expect(document.body.textContent).not.toContain("sk-remote-1");
  });

  it("in a browser, locks who-can-connect settings, shows the tab's own token and no server folders", async () => {
    const backend = settingsBackend(settingsView({dataDir: "<path>"}));
    const {transport} = renderSettings(backend, {host: "browser", token: "dsk_browser_tab"});
    const user = userEvent.setup();
    const lan = (await screen.findByRole("switch", {name: /Allow access from other computers/})) as HTMLButtonElement;
    expect(lan.disabled).toBe(true);
    expect(document.getElementById(lan.getAttribute("aria-describedby") ?? "")?.textContent).toContain("Only on the computer running Deskside");
    expect((screen.getByLabelText("Allowed browser origins (CORS)") as HTMLTextAreaElement).disabled).toBe(true);
    expect((screen.getByRole("button", {name: "Regenerate"}) as HTMLButtonElement).disabled).toBe(true);
    // Other API settings stay editable.
    expect((screen.getByRole("spinbutton", {name: "Port"}) as HTMLInputElement).disabled).toBe(false);

    await user.click(screen.getByRole("button", {name: "Copy token"}));
    expect(await navigator.clipboard.readText()).toBe("dsk_browser_tab");
    expect(transport.callsOf("settings.apiToken")).toHaveLength(0);
    expect(screen.queryByText("<path>")).toBeNull();
    expect(screen.getByText(/the server prints it when it starts/)).toBeTruthy();
  });
});
