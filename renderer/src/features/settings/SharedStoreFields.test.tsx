import {screen} from "@testing-library/react";
import {describe, expect, it} from "vitest";
import {defaultSettings, publicSettings} from "../../../../shared/settings.js";
import {settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {SettingsPanel} from "./SettingsPanel.js";

function viewWith(storeUri: string | null, secret = "") {
  const settings = defaultSettings();
  settings.knowledge.storeUri = storeUri;
  settings.knowledge.objectStore.secretAccessKey = secret;
  return settingsView(publicSettings(settings));
}

describe("SharedStoreFields", () => {
  it("shows only the location while the knowledge base is local", async () => {
    renderWithClient(<SettingsPanel />, {"settings.get": () => viewWith(null)});
    expect(await screen.findByLabelText("Knowledge base location")).toBeTruthy();
    expect(screen.queryByLabelText("S3 endpoint")).toBeNull();
  });

  it("shows the bucket settings for an s3:// location, locked in a browser tab, the secret never shown", async () => {
    renderWithClient(<SettingsPanel />, {"settings.get": () => viewWith("s3://team-kb/deskside", "kept")}, {host: "browser"});
    const endpoint = (await screen.findByLabelText("S3 endpoint")) as HTMLInputElement;
    expect(endpoint.disabled).toBe(true);
    expect(((await screen.findByLabelText("Knowledge base location")) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByLabelText("Region")).toBeTruthy();
    expect(document.body.textContent).not.toContain("kept");
  });
});
