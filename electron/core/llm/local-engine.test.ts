import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LocalEngine} from "./local-engine.js";
import {EventBus} from "../event-bus.js";
import {FIXTURE_GGUF, FIXTURE_MODELS_DIR} from "../../../test/helpers/fixtures.js";

const LOAD = {model: FIXTURE_GGUF, threads: 1, sequences: 4, queueLimit: 2, contextSize: 2048} as const;
const ASK = [{role: "user" as const, content: "The VPN says error 809, what now?"}];

let engine: LocalEngine;
let scratch: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-llm-"));
  engine = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}, {dir: scratch, source: "data"}]});
  await engine.load(LOAD);
});
afterAll(async () => {
  await engine.dispose();
  fs.rmSync(scratch, {recursive: true, force: true});
});

describe("LocalEngine with the fixture model", () => {
  it("reports GGUF metadata and a fit estimate without loading", async () => {
    const models = await engine.listModels();
    const tiny = models.find((m) => m.id === "llama-2-tiny-random.gguf");
    expect(tiny).toMatchObject({architecture: "llama", trainedContext: 4096, source: "env", hasChatTemplate: false, quantization: "F16"});
    expect(tiny!.sizeBytes).toBe(fs.statSync(FIXTURE_GGUF).size);
    expect(tiny!.fit).toMatchObject({fits: true, totalLayers: 2});
    const gpu = await engine.gpuInfo();
    expect(gpu.backend).toBe("cpu");
    expect(gpu.cpuThreads).toBeGreaterThan(0);
    expect(gpu.defaultThreads).toBe(gpu.cpuThreads);
    expect(gpu.ram.total).toBeGreaterThan(0);
    expect(gpu.ram.free).toBeGreaterThan(0);
    expect(gpu.ram.free).toBeLessThanOrEqual(gpu.ram.total);
  });

  it("streams text whose chunks add up to the answer, with usage and timings", async () => {
    const chunks: string[] = [];
    const result = await engine.generate(ASK, {maxTokens: 40, temperature: 0.8, seed: 3, onText: (t) => chunks.push(t)});
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(result.text);
    expect(result.usage.promptTokens).toBeGreaterThan(5);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(40);
    expect(result.timings.timeToFirstTokenMs).not.toBeNull();
    expect(["stop", "length"]).toContain(result.finishReason);
  });

  it("evaluates only the part of a prompt that differs from the previous one, with the same answer and full usage", async () => {
    const system = {role: "system" as const, content: "You are the help-desk assistant of Contoso. Answer in numbered steps and cite the runbook you used."};
    const first = await engine.generate([system, ...ASK], {maxTokens: 12, temperature: 0});
    const again = await engine.generate([system, ...ASK], {maxTokens: 12, temperature: 0});
    const other = await engine.generate([system, {role: "user", content: "The printer on floor 3 shows offline."}], {maxTokens: 12, temperature: 0});
    // The prompt is counted whole however much of it was reused.
    expect(again.usage.promptTokens).toBe(first.usage.promptTokens);
    expect(again.text).toBe(first.text);
    expect(again.usage.cachedPromptTokens).toBeGreaterThan(first.usage.promptTokens - 3);
    // Another question after the same system prompt reuses that prompt, not the question.
    expect(other.usage.cachedPromptTokens).toBeGreaterThan(15);
    expect(other.usage.cachedPromptTokens).toBeLessThan(other.usage.promptTokens);
    // Evaluated from scratch (its own slot, nothing to reuse) the answer is the same.
    const busy = await Promise.all([engine.generate([system, ...ASK], {maxTokens: 12, temperature: 0}), engine.generate([system, ...ASK], {maxTokens: 12, temperature: 0})]);
    expect(busy.map((r) => r.text)).toEqual([first.text, first.text]);
    expect(busy.some((r) => r.usage.cachedPromptTokens === 0)).toBe(true);
  });

  it("reuses a prompt's tokens only for the same caller", async () => {
    const ask = [{role: "user" as const, content: "Outlook keeps asking for the password after the migration."}];
    const alice = await engine.generate(ask, {maxTokens: 6, temperature: 0, cacheScope: "alice"});
    const bob = await engine.generate(ask, {maxTokens: 6, temperature: 0, cacheScope: "bob"});
    expect(bob.usage.cachedPromptTokens).toBe(0);
    expect(bob.text).toBe(alice.text);
    // Alice's tokens are still where she left them.
    const aliceAgain = await engine.generate(ask, {maxTokens: 6, temperature: 0, cacheScope: "alice"});
    expect(aliceAgain.usage.cachedPromptTokens).toBeGreaterThan(alice.usage.promptTokens - 3);
  });

  it("is reproducible with a seed and honours maxTokens", async () => {
    const a = await engine.generate(ASK, {maxTokens: 25, temperature: 1, seed: 42});
    const b = await engine.generate(ASK, {maxTokens: 25, temperature: 1, seed: 42});
    expect(a.text).toBe(b.text);
    const short = await engine.generate(ASK, {maxTokens: 5, temperature: 1, seed: 1});
    expect(short.usage.completionTokens).toBeLessThanOrEqual(5);
  });

  it("stops promptly on abort and frees the sequence", async () => {
    const controller = new AbortController();
    let chunks = 0;
    const started = performance.now();
    const result = await engine.generate(ASK, {
      maxTokens: 5000,
      temperature: 1,
      signal: controller.signal,
      onText: () => {
        if (++chunks === 3) controller.abort();
      },
    });
    expect(result.finishReason).toBe("abort");
    expect(result.usage.completionTokens).toBeLessThan(50);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(engine.status().queue.active).toBe(0);
  });

  it("runs 4 generations in parallel, queues the next ones and answers BUSY past the queue", async () => {
    const running = Array.from({length: 6}, (_, i) => engine.generate(ASK, {maxTokens: 120, temperature: 1, seed: i}));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.status().queue).toMatchObject({active: 4, waiting: 2, capacity: 4});
    await expect(engine.generate(ASK, {maxTokens: 5})).rejects.toMatchObject({code: "BUSY"});
    const results = await Promise.all(running);
    expect(results.every((r) => r.usage.completionTokens > 0)).toBe(true);
    expect(results.slice(4).every((r) => r.timings.queueMs > 0)).toBe(true);
    expect(engine.status().queue).toMatchObject({active: 0, waiting: 0});
  });

  it("always produces JSON that parses when constrained by a schema", async () => {
    const schema = {
      type: "object",
      properties: {title: {type: "string", maxLength: 60}, priority: {enum: ["low", "medium", "high"]}, steps: {type: "array", items: {type: "string", maxLength: 30}, maxItems: 3}},
      required: ["title", "priority", "steps"],
    };
    for (let seed = 0; seed < 12; seed++) {
      const result = await engine.generate(ASK, {jsonSchema: schema, seed, temperature: 1, maxTokens: 800});
      const parsed = JSON.parse(result.text);
      expect(["low", "medium", "high"]).toContain(parsed.priority);
      expect(Array.isArray(parsed.steps)).toBe(true);
    }
  });

  it("counts tokens with the model's tokenizer", async () => {
    expect(await engine.countTokens("reset my password")).toBeGreaterThan(2);
  });

  describe("bad input keeps the loaded model", () => {
    const expectStillWorking = async () => {
      expect(engine.status().state).toBe("loaded");
      const result = await engine.generate(ASK, {maxTokens: 3});
      expect(result.usage.completionTokens).toBeGreaterThan(0);
    };

    it("MODEL_NOT_FOUND for a missing file", async () => {
      await expect(engine.load({...LOAD, model: path.join(scratch, "missing.gguf")})).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
      await expect(engine.load({...LOAD, model: "no-such-model.gguf"})).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
      await expectStillWorking();
    });

    it("MODEL_INVALID for a non-GGUF file and for a truncated GGUF", async () => {
      const fake = path.join(scratch, "notes.gguf");
      fs.writeFileSync(fake, "this is a text file, not a model");
      await expect(engine.load({...LOAD, model: fake})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/not a GGUF/)});
      const truncated = path.join(scratch, "truncated.gguf");
      const bytes = fs.readFileSync(FIXTURE_GGUF);
      fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await expect(engine.load({...LOAD, model: truncated})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/truncated/)});
      // A GGUF header followed by garbage: its counts claim more than the file could hold.
      const garbled = path.join(scratch, "garbled.gguf");
      fs.writeFileSync(garbled, Buffer.concat([Buffer.from("GGUF"), Buffer.from([3, 0, 0, 0]), Buffer.from("junkjunkjunkjunk"), Buffer.alloc(64, 0xff)]));
      const started = Date.now();
      await expect(engine.load({...LOAD, model: garbled})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/damaged/)});
      expect(Date.now() - started).toBeLessThan(5_000);
      await expectStillWorking();
      // Broken files stay visible in the list with the reason.
      const listed = await engine.listModels();
      expect(listed.find((m) => m.id === "truncated.gguf")?.name).toMatch(/truncated/);
    });

    it("CONTEXT_TOO_LARGE for a context beyond what the model was trained for", async () => {
      await expect(engine.load({...LOAD, contextSize: 100_000})).rejects.toMatchObject({code: "CONTEXT_TOO_LARGE"});
      await expectStillWorking();
    });

    it("MODEL_TOO_LARGE when the machine's memory cannot hold it", async () => {
      const small = new LocalEngine({
        gpu: "cpu",
        modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}],
        resourceProbe: {getRamState: async () => ({total: 64 * 1024, free: 16 * 1024})},
      });
      await expect(small.load(LOAD)).rejects.toMatchObject({code: "MODEL_TOO_LARGE"});
      expect(small.status().state).not.toBe("loaded");
      await small.dispose();
      await expectStillWorking();
    });
  });

  it("unloads and then refuses to generate with MODEL_NOT_LOADED", async () => {
    const events = new EventBus();
    const other = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}], events});
    const progress: number[] = [];
    events.on("models.loadProgress", (event) => progress.push(event.progress));
    await other.load({...LOAD, sequences: 1});
    expect(progress.at(-1)).toBe(1);
    await other.unload();
    expect(other.status().state).toBe("none");
    await expect(other.generate(ASK)).rejects.toMatchObject({code: "MODEL_NOT_LOADED"});
    await other.dispose();
  });
});

describe("LocalEngine pending loads", () => {
  it("counts a load from the call until it settles; waiters learn its failure, and a cancel is none", async () => {
    const statuses: boolean[] = [];
    const other = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}], loadDelayMs: 200, events: {emit: (name, status) => name === "models.status" && statuses.push((status as {pending?: boolean}).pending === true)}});
    expect(other.isLoadPending()).toBe(false);
    expect(other.status().pending).toBe(false);
    expect(await other.whenLoadSettled()).toBeNull();

    const missing = other.load({...LOAD, model: "nope.gguf"});
    expect(other.isLoadPending()).toBe(true);
    // The status says so too, and the change is announced: a window opened now waits instead of warning.
    expect(other.status().pending).toBe(true);
    expect(statuses[0]).toBe(true);
    const failed = other.whenLoadSettled();
    await expect(missing).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
    expect(await failed).toMatchObject({code: "MODEL_NOT_FOUND"});
    expect(other.isLoadPending()).toBe(false);
    expect(statuses.at(-1)).toBe(false);

    const cancelled = other.load({...LOAD, sequences: 1});
    const afterCancel = other.whenLoadSettled();
    other.cancelLoad();
    await expect(cancelled).rejects.toMatchObject({code: "CANCELLED"});
    expect(await afterCancel).toBeNull();

    // Work announced before the load (start-up finding its model) keeps it pending until both end.
    const announced = other.trackLoad(new Promise((resolve) => setTimeout(resolve, 50)));
    const loaded = other.load({...LOAD, sequences: 1});
    const ready = other.whenLoadSettled();
    await announced;
    expect(other.isLoadPending()).toBe(true);
    await loaded;
    expect(await ready).toBeNull();
    expect(other.isReady()).toBe(true);
    expect(other.isLoadPending()).toBe(false);
    await other.dispose();
  });
});

describe("speculative decoding", () => {
  const QUOTE = [{role: "user" as const, content: "Quote this passage: restart the spooler, clear the queue, restart the spooler, clear the queue."}];
  const speculativeEngine = async (speculative: NonNullable<Parameters<LocalEngine["load"]>[0]["speculative"]>) => {
    const other = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    await other.load({...LOAD, sequences: 1, speculative});
    return other;
  };

  it("never changes the answer: prompt lookup and a draft model give exactly what plain decoding gives", async () => {
    const plain = await engine.generate(QUOTE, {maxTokens: 120, temperature: 0});
    for (const speculative of ["prompt-lookup", {draftModel: "llama-2-tiny-random.gguf"}] as const) {
      const other = await speculativeEngine(speculative);
      try {
        expect(other.loadedModel()!.speculative).toBe(typeof speculative === "string" ? "prompt-lookup" : "draft: llama-2-tiny-random.gguf");
        const streamed: string[] = [];
        const result = await other.generate(QUOTE, {maxTokens: 120, temperature: 0, onText: (t) => streamed.push(t)});
        expect(result.text).toBe(plain.text);
        expect(streamed.join("")).toBe(plain.text);
        // Guessed tokens that were thrown away are not billed as completion tokens.
        expect(result.usage.completionTokens).toBe(plain.usage.completionTokens);
      } finally {
        await other.dispose();
      }
    }
  });

  it("auto is off on the CPU, and a missing draft model fails the load with MODEL_NOT_FOUND", async () => {
    const auto = await speculativeEngine("auto");
    expect(auto.loadedModel()!.speculative).toBe("off");
    await auto.dispose();
    const other = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    await expect(other.load({...LOAD, speculative: {draftModel: "no-such-draft.gguf"}})).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
    expect(other.isReady()).toBe(false);
    await other.dispose();
  });
});

describe("penalties", () => {
  it("applies frequency and presence penalties: the same greedy answer changes under them", async () => {
    const plain = await engine.generate(ASK, {maxTokens: 60, temperature: 0});
    const penalised = await engine.generate(ASK, {maxTokens: 60, temperature: 0, frequencyPenalty: 1.5, presencePenalty: 1.5});
    const again = await engine.generate(ASK, {maxTokens: 60, temperature: 0});
    expect(again.text).toBe(plain.text);
    expect(penalised.text).not.toBe(plain.text);
  });
});
