import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {OcrLanguages, SettingsView} from "../../../../shared/contract.js";
import {settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {SettingsPanel} from "./SettingsPanel.js";

/** The core's side: settings that keep the OCR languages sent, and the language data found on disk. */
function ocrBackend(selected: string[], found: string[], view: Partial<SettingsView> = {}) {
  let current: SettingsView = settingsView(view);
  current = {...current, settings: {...current.settings, knowledge: {...current.settings.knowledge, ocrLanguages: selected}}};
  const backend = {
    found,
    handlers: {
      "settings.get": () => current,
      "settings.update": (patch: Record<string, unknown>) => {
        const knowledge = patch.knowledge as {ocrLanguages?: string[]} | undefined;
        if (knowledge?.ocrLanguages) current = {...current, settings: {...current.settings, knowledge: {...current.settings.knowledge, ocrLanguages: knowledge.ocrLanguages}}};
        return current;
      },
      "knowledge.ocrLanguages": (): OcrLanguages => {
        const codes = new Set(backend.found);
        const ocrLanguages = current.settings.knowledge.ocrLanguages;
        return {
          available: backend.found.map((code) => (code === "eng" ? {code, source: "package"} : {code, source: "models-folder"})),
          selected: ocrLanguages,
          missing: ocrLanguages.filter((code) => !codes.has(code)),
        };
      },
    },
  };
  return backend;
}

function ocrGroup() {
  return screen.findByRole("group", {name: "OCR languages"});
}

describe("OCR languages in Settings", () => {
  it("lists the languages found, ticks the selected ones, warns of one without data and says how to add one", async () => {
    const backend = ocrBackend(["eng", "fra"], ["deu", "eng", "xyz"]);
    renderWithClient(<SettingsPanel />, backend.handlers);
    const group = await ocrGroup();
    const english = await within(group).findByRole("checkbox", {name: /English/});
    expect((english as HTMLInputElement).checked).toBe(true);
    expect((within(group).getByRole("checkbox", {name: /German/}) as HTMLInputElement).checked).toBe(false);
    // A code without a name here shows as it is.
    expect((within(group).getByRole("checkbox", {name: "xyz"}) as HTMLInputElement).checked).toBe(false);
    // Selected without data: still ticked, so it can be unticked, and a warning names the file to add.
    const french = within(group).getByRole("checkbox", {name: /French/}) as HTMLInputElement;
    expect(french.checked).toBe(true);
    expect(within(group).getByText("Data missing")).toBeTruthy();
    expect(group.textContent).toContain("No data for French (fra)");
    expect(group.textContent).toContain("fra.traineddata");
    expect(within(group).getByText("/home/tech/.config/Deskside/models/tessdata")).toBeTruthy();
    expect(within(group).getByText("Main").closest("label")?.textContent).toContain("English");
    expect(group.textContent).not.toContain("OCR is off");
  });

  it("appends a new tick, keeps the order, and turns OCR off when none is ticked", async () => {
    const backend = ocrBackend(["eng"], ["deu", "eng", "xyz"]);
    const {transport} = renderWithClient(<SettingsPanel />, backend.handlers);
    const user = userEvent.setup();
    const group = await ocrGroup();
    await user.click(await within(group).findByRole("checkbox", {name: "xyz"}));
    await waitFor(() => expect(transport.callsOf("settings.update")).toContainEqual({knowledge: {ocrLanguages: ["eng", "xyz"]}}));
    await waitFor(() => expect((within(group).getByRole("checkbox", {name: /German/}) as HTMLInputElement).disabled).toBe(false));
    await user.click(within(group).getByRole("checkbox", {name: /German/}));
    await waitFor(() => expect(transport.callsOf("settings.update")).toContainEqual({knowledge: {ocrLanguages: ["eng", "xyz", "deu"]}}));
    await waitFor(() => expect((within(group).getByRole("checkbox", {name: /English/}) as HTMLInputElement).disabled).toBe(false));
    await user.click(within(group).getByRole("checkbox", {name: /English/}));
    await waitFor(() => expect(transport.callsOf("settings.update")).toContainEqual({knowledge: {ocrLanguages: ["xyz", "deu"]}}));
    // The first ticked is now the main language.
    await waitFor(() => expect(within(group).getByText("Main").closest("label")?.textContent).toContain("xyz"));

    for (const name of [/xyz/, /German/]) {
      const box = within(group).getByRole("checkbox", {name});
      await waitFor(() => expect((box as HTMLInputElement).disabled).toBe(false));
      await user.click(box);
    }
    await waitFor(() => expect(transport.callsOf("settings.update")).toContainEqual({knowledge: {ocrLanguages: []}}));
    expect(await within(group).findByText("OCR is off")).toBeTruthy();
    expect(group.textContent).toContain("are refused on import");
  });

  it("finds a language copied in after Refresh", async () => {
    const backend = ocrBackend(["eng"], ["eng"]);
    renderWithClient(<SettingsPanel />, backend.handlers);
    const user = userEvent.setup();
    const group = await ocrGroup();
    await within(group).findByRole("checkbox", {name: /English/});
    expect(within(group).queryByRole("checkbox", {name: /Italian/})).toBeNull();
    backend.found = ["eng", "ita"];
    await user.click(within(group).getByRole("button", {name: "Refresh"}));
    expect(await within(group).findByRole("checkbox", {name: /Italian/})).toBeTruthy();
  });

  it("in a browser tab, names no server folder", async () => {
    const backend = ocrBackend(["eng"], ["eng"], {dataDir: "<path>"});
    renderWithClient(<SettingsPanel />, backend.handlers, {host: "browser", token: "dsk_browser_tab"});
    const group = await ocrGroup();
    await within(group).findByRole("checkbox", {name: /English/});
    expect(group.textContent).toContain("the models folder's tessdata folder on the computer running Deskside");
    expect(group.textContent).not.toContain("<path>");
  });
});
