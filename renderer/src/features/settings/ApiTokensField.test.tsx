import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {ApiTokenInfo} from "../../../../shared/api-tokens.js";
import {fail} from "../../test/fake-transport.js";
import {settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {ApiTokensField} from "./ApiTokensField.js";

const VALUE = "dsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/** apiTokens.* like the core: names are unique, the value comes back once, revoking takes an id or a name. */
function tokensBackend(initial: ApiTokenInfo[] = []) {
  let tokens = [...initial];
  return {
    list: () => tokens,
    create: (input: {name: string; scope: "ask" | "admin"; rateLimitPerMinute?: number | null}) => {
      if (tokens.some((t) => t.name === input.name)) fail("INVALID_INPUT", `There is already a token named "${input.name}".`);
      const token: ApiTokenInfo = {id: `tok_${input.name}`, name: input.name, scope: input.scope, createdAt: "2025-03-01T10:00:00.000Z", lastUsedAt: null, rateLimitPerMinute: input.rateLimitPerMinute ?? null};
      tokens = [...tokens, token];
      return {token, value: VALUE};
    },
    revoke: ({name}: {name: string}) => {
      tokens = tokens.filter((t) => t.id !== name && t.name !== name);
      return {ok: true as const};
    },
  };
}

function renderTokens(backend = tokensBackend(), host: "electron" | "browser" = "electron") {
  return renderWithClient(<ApiTokensField />, {"apiTokens.list": backend.list, "apiTokens.create": backend.create, "apiTokens.revoke": backend.revoke}, {host});
}

const bob: ApiTokenInfo = {id: "tok_bob", name: "bob", scope: "admin", createdAt: "2025-02-01T09:00:00.000Z", lastUsedAt: "2025-02-03T09:00:00.000Z", rateLimitPerMinute: 60};

describe("ApiTokensField", () => {
  it("creates a token, shows its value once with a copy button, and lists it", async () => {
    const {transport} = renderTokens();
    const user = userEvent.setup();
    expect(await screen.findByText(/No named tokens yet/)).toBeTruthy();
    await user.click(screen.getByRole("button", {name: "New token…"}));
    const dialog = screen.getByRole("dialog", {name: "New API token"});
    await user.type(within(dialog).getByLabelText("Name"), "alice");
    await user.type(within(dialog).getByLabelText("Requests per minute"), "30");
    expect((within(dialog).getByRole("radio", {name: /Ask/}) as HTMLInputElement).checked).toBe(true);
    await user.click(within(dialog).getByRole("button", {name: "Create token"}));
    expect(transport.callsOf("apiTokens.create")).toEqual([{name: "alice", scope: "ask", rateLimitPerMinute: 30}]);

    const shown = await screen.findByRole("dialog", {name: 'Token "alice" created'});
    expect((within(shown).getByLabelText("New token value") as HTMLInputElement).value).toBe(VALUE);
    await user.click(within(shown).getByRole("button", {name: "Copy token value"}));
    expect(await navigator.clipboard.readText()).toBe(VALUE);
    await user.click(within(shown).getByRole("button", {name: "Done"}));
    // Once closed, the value is nowhere on the page.
    expect(document.body.textContent).not.toContain(VALUE);
    const table = await screen.findByRole("table", {name: "Named API tokens"});
    await waitFor(() => expect(within(table).getByText("alice")).toBeTruthy());
    expect(within(table).getByText("Never")).toBeTruthy();
  });

  it("refuses a name in use before asking the core, and shows the core's own refusals", async () => {
    const {transport} = renderTokens(tokensBackend([bob]));
    const user = userEvent.setup();
    await screen.findByRole("table", {name: "Named API tokens"});
    await user.click(screen.getByRole("button", {name: "New token…"}));
    const dialog = screen.getByRole("dialog", {name: "New API token"});
    await user.type(within(dialog).getByLabelText("Name"), "Bob");
    expect(within(dialog).getByRole("alert").textContent).toMatch(/already a token named "Bob"/);
    expect((within(dialog).getByRole("button", {name: "Create token"}) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(within(dialog).getByLabelText("Name"));
    transport.handlers["apiTokens.create"] = () => fail("INVALID_INPUT", 'The token name "main" is not allowed.');
    await user.type(within(dialog).getByLabelText("Name"), "main");
    await user.click(within(dialog).getByRole("button", {name: "Create token"}));
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(/"main" is not allowed/);
  });

  it("revokes a token after asking", async () => {
    const {transport} = renderTokens(tokensBackend([bob]));
    const user = userEvent.setup();
    const table = await screen.findByRole("table", {name: "Named API tokens"});
    expect(within(table).getByText("Admin")).toBeTruthy();
    expect(within(table).getByText("60")).toBeTruthy();
    await user.click(within(table).getByRole("button", {name: "Revoke bob"}));
    await user.click(within(screen.getByRole("dialog", {name: 'Revoke "bob"?'})).getByRole("button", {name: "Revoke token"}));
    expect(transport.callsOf("apiTokens.revoke")).toEqual([{name: "tok_bob"}]);
    expect(await screen.findByText(/No named tokens yet/)).toBeTruthy();
  });

  it("in a browser, lists the tokens but leaves creating and revoking to the computer running Deskside", async () => {
    renderTokens(tokensBackend([bob]), "browser");
    const table = await screen.findByRole("table", {name: "Named API tokens"});
    expect((within(table).getByRole("button", {name: "Revoke bob"}) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", {name: "New token…"}) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("Only on the computer running Deskside")).toBeTruthy();
  });

  it("follows changes made elsewhere (another window, npm run tokens)", async () => {
    const backend = tokensBackend();
    const {transport} = renderTokens(backend);
    await screen.findByText(/No named tokens yet/);
    backend.create({name: "carol", scope: "ask"});
    transport.emit("settings.changed", settingsView());
    expect(await screen.findByText("carol")).toBeTruthy();
  });
});
