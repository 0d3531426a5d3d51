import {fireEvent, screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import {appInfo, emptyStatus, gpuInfo, loadedStatus, model} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {ModelsPanel} from "./ModelsPanel.js";

const models = [
  model(),
  model({id: "llama-8b.gguf", path: "/models/llama-8b.gguf", name: "Llama 3.1 8B", parameters: "8B", fit: {score: 0.6, fits: true, gpuLayers: 20, totalLayers: 33, contextSize: 8192, vramBytes: 11e9, ramBytes: 3e9}}),
  model({id: "big-70b.gguf", path: "/models/big-70b.gguf", name: "Big 70B", parameters: "70B", fit: {score: 0.1, fits: false, gpuLayers: 0, totalLayers: 81, contextSize: 8192, vramBytes: 40e9, ramBytes: 40e9}}),
];

describe("ModelsPanel", () => {
  it("uploads a .gguf from a browser tab with progress, then lists it; a cancel or a refused file says why", async () => {
    const sent: {route: string; size: number}[] = [];
    let finish: (response: {ok: true; result: unknown} | {ok: false; error: {code: string; message: string}}) => void = () => undefined;
    let progress: ((sent: number, total: number) => void) | undefined;
    let listed = [model()];
    renderWithClient(<ModelsPanel active />, {"models.list": () => listed}, {
      host: "browser",
      token: "t",
      upload: (route, file, options) => {
        sent.push({route, size: file.size});
        progress = options?.onProgress;
        return new Promise((resolve) => {
          finish = resolve;
          options?.signal?.addEventListener("abort", () => resolve({ok: false, error: {code: "CANCELLED", message: "The upload was cancelled."}}));
        });
      },
    });
    const card = await screen.findByRole("region", {name: "Import a model"});
    const user = userEvent.setup();
    const file = new File([new Uint8Array(3_000_000)], "Help desk 1B.gguf");
    await user.upload(within(card).getByLabelText("GGUF model file"), file);
    expect(sent).toEqual([{route: "/api/models/Help%20desk%201B.gguf", size: 3_000_000}]);
    progress?.(1_500_000, 3_000_000);
    const bar = await within(card).findByRole("progressbar", {name: "Uploading Help desk 1B.gguf"});
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("50"));
    expect(within(card).getByText("Uploading Help desk 1B.gguf: 1.5 MB of 3.0 MB")).toBeTruthy();
    listed = [model(), model({id: "Help desk 1B.gguf", name: "Help desk 1B"})];
    finish({ok: true, result: {model: {name: "Help desk 1B"}}});
    expect(await screen.findByText(/Imported Help desk 1B/)).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole("table", {name: "Models"})).getByText("Help desk 1B")).toBeTruthy());

    // Dropped on the card: a file that is not a model never leaves the browser.
    fireEvent.drop(within(card).getByTestId("model-drop"), {dataTransfer: {files: [new File(["x"], "notes.txt")]}});
    expect(await within(card).findByText("notes.txt is not a .gguf model file.")).toBeTruthy();
    expect(sent).toHaveLength(1);

    // Cancel while it is on its way.
    await user.upload(within(card).getByLabelText("GGUF model file"), new File([new Uint8Array(10)], "other.gguf"));
    await user.click(await within(card).findByRole("button", {name: "Cancel"}));
    expect(await within(card).findByText("The upload was cancelled.")).toBeTruthy();
  });

  it("shows backend, GPU, VRAM and a fit badge per model", async () => {
    renderWithClient(<ModelsPanel active />, {"models.gpu": () => gpuInfo(), "models.list": () => models});
    const gpu = await screen.findByRole("region", {name: "GPU"});
    expect(await within(gpu).findByText("CUDA")).toBeTruthy();
    expect(within(gpu).getByText("NVIDIA GeForce RTX 4070")).toBeTruthy();
    expect(within(gpu).getByRole("progressbar", {name: "VRAM used"}).getAttribute("aria-valuenow")).toBe("25");

    const table = await screen.findByRole("table", {name: "Models"});
    const rows = within(table).getAllByRole("row").slice(1);
    expect(within(rows[0]).getByText("Fits")).toBeTruthy();
    expect(within(rows[1]).getByText("Partial offload")).toBeTruthy();
    expect(within(rows[2]).getByText("Doesn't fit")).toBeTruthy();
    expect(within(rows[0]).getByText("Q4_K_M")).toBeTruthy();
    expect(within(rows[0]).getByText("32,768")).toBeTruthy();
  });

  it("lists embedding and re-ranking models as search's, with no Load button", async () => {
    const listed = [
      model(),
      model({id: "nomic-embed-text-v1.5.Q8_0.gguf", name: "nomic-embed-text-v1.5", architecture: "nomic-bert", hasChatTemplate: false, role: "embedding"}),
      model({id: "bge-reranker-v2-m3-Q8_0.gguf", name: "bge-reranker-v2-m3", architecture: "xlm-roberta", hasChatTemplate: false, role: "reranking"}),
    ];
    renderWithClient(<ModelsPanel active />, {"models.list": () => listed});
    const table = await screen.findByRole("table", {name: "Models"});
    const rows = within(table).getAllByRole("row").slice(1);
    expect(within(rows[0]).getByRole("button", {name: /^Load /})).toBeTruthy();
    expect(within(rows[1]).queryByRole("button", {name: /^Load /})).toBeNull();
    expect(within(rows[1]).getByText("Embedding")).toBeTruthy();
    expect(within(rows[1]).getByText(/embedding model for search/)).toBeTruthy();
    expect(within(rows[1]).queryByText(/no chat template/)).toBeNull();
    expect(within(rows[2]).getByText("Re-ranker")).toBeTruthy();
    expect(within(rows[2]).queryByRole("button", {name: /^Load /})).toBeNull();
  });

  it("does not call a model on the CPU backend a partial offload", async () => {
    renderWithClient(<ModelsPanel active />, {
      "models.gpu": () => gpuInfo({backend: "cpu", devices: [], vram: {total: 0, used: 0, free: 0}}),
      "models.list": () => [model({fit: {score: 1, fits: true, gpuLayers: 0, totalLayers: 37, contextSize: 4096, vramBytes: 0, ramBytes: 2e9}})],
    });
    const table = await screen.findByRole("table", {name: "Models"});
    await waitFor(() => expect(within(table).getByText("Fits")).toBeTruthy());
    expect(within(table).queryByText("Partial offload")).toBeNull();
  });

  it("shows system memory and the threads a model really gets when running on the CPU", async () => {
    const gib = 1024 ** 3;
    renderWithClient(<ModelsPanel active />, {
      "models.gpu": () => gpuInfo({backend: "cpu", devices: [], vram: {total: 0, used: 0, free: 0}, ram: {total: 8 * gib, free: 6 * gib}, cpuThreads: 2, defaultThreads: 2}),
      "models.list": () => models,
      "models.status": () => loadedStatus({model: {...loadedStatus().model!, gpuLayers: 0, threads: 2}}),
    });
    const gpu = await screen.findByRole("region", {name: "GPU"});
    await within(gpu).findByText("CPU");
    const fact = (label: string) => within(gpu).getByText(label, {selector: "dt"}).nextElementSibling?.textContent;
    expect(fact("System memory")).toBe("8.0 GB");
    expect(fact("Free system memory")).toBe("6.0 GB");
    expect(fact("CPU threads")).toBe("2");
    expect(within(gpu).queryByText("VRAM")).toBeNull();
    expect(within(gpu).getByRole("progressbar", {name: "System memory used"}).getAttribute("aria-valuenow")).toBe("25");
    const engine = screen.getByRole("region", {name: "Loaded model"});
    expect(within(engine).getByText("Threads", {selector: "dt"}).nextElementSibling?.textContent).toBe("2");

    await userEvent.setup().click(screen.getByText("Load options"));
    expect(screen.getByText("0 is automatic: 2 threads here, one per CPU core.")).toBeTruthy();
  });

  it("loads a model with the chosen options and follows load progress events", async () => {
    let finish: () => void = () => undefined;
    const {transport} = renderWithClient(<ModelsPanel active />, {
      "models.list": () => models,
      "models.load": () => new Promise((resolve) => (finish = () => resolve(loadedStatus().model!))),
      "models.cancelLoad": () => ({ok: true}),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByText("Load options"));
    await user.selectOptions(screen.getByLabelText("Context size"), "custom");
    const context = screen.getByRole("spinbutton", {name: "Context size in tokens"});
    await user.clear(context);
    await user.type(context, "4096");

    await user.click(screen.getByRole("button", {name: "Load Llama 3.1 8B"}));
    expect(transport.callsOf("models.load")).toEqual([{model: "/models/llama-8b.gguf", gpuLayers: "auto", contextSize: 4096, threads: 0, parallelSequences: 4}]);

    transport.emit("models.status", emptyStatus({state: "loading", progress: 0}));
    transport.emit("models.loadProgress", {model: "llama-8b.gguf", progress: 0.42});
    const bar = await screen.findByRole("progressbar", {name: "Model load progress"});
    expect(bar.getAttribute("aria-valuenow")).toBe("42");

    await user.click(screen.getByRole("button", {name: "Cancel loading"}));
    expect(transport.callsOf("models.cancelLoad")).toHaveLength(1);

    transport.emit("models.status", loadedStatus());
    finish();
    expect(await screen.findByText("Qwen2.5 3B Instruct is ready.")).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("progressbar", {name: "Model load progress"})).toBeNull());
    expect(screen.getByRole("button", {name: "Unload"})).toBeTruthy();
  });

  it("downloads from a URL with progress and cancel, and explains the models folder in a browser", async () => {
    const {transport} = renderWithClient(
      <ModelsPanel active />,
      {
        "models.download": ({url}) => ({id: "dl1", url, fileName: "tiny.gguf", receivedBytes: 0, totalBytes: null, state: "downloading", error: null}),
        "models.cancelDownload": () => ({ok: true}),
      },
      {host: "browser"},
    );
    expect(await screen.findByText("/home/tech/.config/Deskside/models")).toBeTruthy();
    expect(screen.getByText(/Needs internet/)).toBeTruthy();

    const user = userEvent.setup();
    await user.type(screen.getByLabelText("GGUF file URL"), "https://huggingface.co/x/y/resolve/main/tiny.gguf");
    await user.click(screen.getByRole("button", {name: "Download"}));
    transport.emit("models.download", {id: "dl1", url: "https://huggingface.co/x", fileName: "tiny.gguf", receivedBytes: 50, totalBytes: 200, state: "downloading", error: null});
    expect((await screen.findByRole("progressbar", {name: "Download of tiny.gguf"})).getAttribute("aria-valuenow")).toBe("25");
    await user.click(screen.getByRole("button", {name: "Cancel download of tiny.gguf"}));
    expect(transport.callsOf("models.cancelDownload")).toEqual([{id: "dl1"}]);
  });

  it("describes the models folder in a browser that is not told the server's folders", async () => {
    renderWithClient(<ModelsPanel active />, {}, {host: "browser", info: appInfo({dataDir: "<path>"})});
    expect(await screen.findByText(/inside Deskside's data folder there/)).toBeTruthy();
    expect(screen.queryByText(/<path>/)).toBeNull();
  });

  it("imports a .gguf through the desktop file dialog", async () => {
    const {transport} = renderWithClient(<ModelsPanel active />, {"models.import": () => model({name: "Phi 3 mini"})}, {desktop: {pickFiles: async () => ["/home/tech/phi3.gguf"]}});
    await userEvent.setup().click(await screen.findByRole("button", {name: "Choose .gguf file…"}));
    await waitFor(() => expect(transport.callsOf("models.import")).toEqual([{path: "/home/tech/phi3.gguf"}]));
    expect(await screen.findByText("Imported Phi 3 mini.")).toBeTruthy();
  });
});
