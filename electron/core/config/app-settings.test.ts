import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {EventBus} from "../event-bus.js";
import {SettingsService} from "../settings/settings-service.js";
import {AppSettings} from "./app-settings.js";

let dir: string;
let stored: SettingsService;
let settings: AppSettings;
let events: EventBus;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-app-settings-"));
  stored = new SettingsService(dir);
  events = new EventBus();
  settings = new AppSettings(stored, {threads: 3}, dir, events);
});
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

describe("AppSettings.effective", () => {
  it("shares one frozen copy until the settings change, then reads the change", () => {
    const first = settings.effective();
    expect(settings.effective()).toBe(first);
    expect(first.llm.threads).toBe(3);
    expect(Object.isFrozen(first.llm)).toBe(true);
    expect(() => {
      (first.api as {port: number}).port = 1;
    }).toThrow(TypeError);

    settings.update({generation: {temperature: 0.65}});
    const next = settings.effective();
    expect(next).not.toBe(first);
    expect(next.generation.temperature).toBe(0.65);
    expect(first.generation.temperature).not.toBe(0.65);
  });

  it("reads a change another process wrote to the file once it is taken in", () => {
    settings.effective();
    const file = path.join(dir, "settings.json");
    const onDisk = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({...onDisk, generation: {...onDisk.generation, temperature: 0.9}}));
    settings.refresh();
    expect(settings.effective().generation.temperature).toBe(0.9);
  });

  it("announces a change with the new settings", () => {
    const seen: number[] = [];
    events.on("settings.changed", (view) => seen.push(view.settings.generation.temperature));
    settings.update({generation: {temperature: 0.4}});
    expect(seen).toEqual([0.4]);
  });
});
