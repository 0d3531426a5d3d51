import {screen, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {AppInfo} from "../../../../shared/contract.js";
import {appInfo, emptyStatus, gpuInfo, model, settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {FirstRunScreen} from "./FirstRunScreen.js";

describe("FirstRunScreen", () => {
  it("shows GPU, the model that will be used, default knowledge and API access", async () => {
    const done: AppInfo[] = [];
    const {transport} = renderWithClient(
      <FirstRunScreen onDone={(info) => done.push(info)} />,
      {
        "models.gpu": () => gpuInfo(),
        "models.status": () => emptyStatus(),
        "models.list": () => [model()],
        "app.completeFirstRun": () => appInfo({firstRun: false}),
      },
      {info: appInfo({firstRun: true})},
    );
    expect(await screen.findByText("NVIDIA GeForce RTX 4070")).toBeTruthy();
    expect(screen.getByText(/via CUDA/)).toBeTruthy();
    expect(await screen.findByText("Qwen2.5 3B Instruct")).toBeTruthy();
    expect(screen.getByText(/Deskside will use/)).toBeTruthy();
    expect(screen.getByText("35 documents")).toBeTruthy();
    expect(screen.getByText("http://127.0.0.1:3375")).toBeTruthy();

    const user = userEvent.setup();
    const token = await screen.findByLabelText("API token");
    expect(token.textContent).not.toContain("dsk_test_token_123");
    await user.click(screen.getByRole("button", {name: "Show token"}));
    expect(token.textContent).toBe("dsk_test_token_123");

    await user.click(screen.getByRole("button", {name: "Get started"}));
    expect(transport.callsOf("app.completeFirstRun")).toHaveLength(1);
    expect(done).toEqual([appInfo({firstRun: false})]);
  });

  it("explains how to get a model when there is none", async () => {
    renderWithClient(<FirstRunScreen onDone={() => undefined} />, {"models.list": () => []}, {info: appInfo({firstRun: true, defaultKnowledge: {imported: false, documents: 0}})});
    const model = (await screen.findByRole("heading", {name: /Language model/})).closest("li") as HTMLElement;
    expect(await within(model).findByText(/import a .gguf file or download one/)).toBeTruthy();
    expect(screen.getByText(/starter knowledge base is not imported yet/)).toBeTruthy();
    expect(screen.getByText(/models run on the CPU/)).toBeTruthy();
  });

  it("marks an API token fixed by the server's environment", async () => {
    renderWithClient(<FirstRunScreen onDone={() => undefined} />, {"settings.get": () => settingsView({overridden: ["api.token"]})}, {info: appInfo({firstRun: true})});
    const token = await screen.findByLabelText("API token");
    const box = token.closest(".path-box") as HTMLElement;
    expect(within(box).getByText("Set by the server's environment for this run")).toBeTruthy();
    const address = screen.getByText("http://127.0.0.1:3375").closest(".path-box") as HTMLElement;
    expect(within(address).queryByText("Set by the server's environment for this run")).toBeNull();
  });

  it("shows the starter import's progress while it runs", async () => {
    const {transport} = renderWithClient(<FirstRunScreen onDone={() => undefined} />, {}, {info: appInfo({firstRun: true, defaultKnowledge: {imported: false, documents: 0}})});
    await screen.findByText(/starter knowledge base is not imported yet/);
    transport.emit("knowledge.progress", {jobId: "starter", file: {path: "/kb/vpn.md", state: "done"}, counts: {queued: 30, done: 4, skipped: 0, failed: 0, cancelled: 0}, state: "running"});
    expect(await screen.findByText("Importing the starter knowledge base… 4 of 34 files")).toBeTruthy();
  });
});
