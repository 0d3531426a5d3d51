import {describe, expect, it} from "vitest";
import {defaultSettings} from "../../../shared/settings.js";
import {loadOptionsFrom, rememberedLoad, threadsFor} from "./load-options.js";

const llm = {...defaultSettings().llm, gpuLayers: 20, contextSize: 4096, batchSize: 256, flashAttention: true, threads: 2, parallelSequences: 3, queueLimit: 5} as const;

describe("loadOptionsFrom", () => {
  it("takes every option from the settings when nothing is chosen", () => {
    expect(loadOptionsFrom(llm, "model.gguf")).toEqual({model: "model.gguf", gpuLayers: 20, contextSize: 4096, batchSize: 256, flashAttention: true, threads: 2, sequences: 3, queueLimit: 5, speculative: "auto"});
  });

  it("puts the user's choices over the settings; the queue limit is always the setting", () => {
    expect(loadOptionsFrom(llm, "m.gguf", {gpuLayers: "max", contextSize: "auto", threads: 0, parallelSequences: 1, flashAttention: false})).toEqual({
      model: "m.gguf",
      gpuLayers: "max",
      contextSize: "auto",
      batchSize: 256,
      flashAttention: false,
      threads: 0,
      sequences: 1,
      queueLimit: 5,
      speculative: "auto",
    });
  });

  it("passes speculative decoding on: a draft model only with its file named, else off", () => {
    expect(loadOptionsFrom({...llm, speculative: "prompt-lookup"}, "m.gguf").speculative).toBe("prompt-lookup");
    expect(loadOptionsFrom({...llm, speculative: "draft-model", draftModel: "tiny.gguf"}, "m.gguf").speculative).toEqual({draftModel: "tiny.gguf"});
    expect(loadOptionsFrom({...llm, speculative: "draft-model", draftModel: null}, "m.gguf").speculative).toBe("off");
  });

  it("treats a null batch size as a choice (the library default), and a missing one as the setting", () => {
    expect(loadOptionsFrom(llm, "m.gguf", {batchSize: null}).batchSize).toBeNull();
    expect(loadOptionsFrom(llm, "m.gguf", {batchSize: undefined}).batchSize).toBe(256);
    expect(loadOptionsFrom(llm, "m.gguf", {batchSize: 64}).batchSize).toBe(64);
  });
});

describe("threadsFor", () => {
  it("uses the chosen count, else one thread per CPU core (not the library's minimum of 4)", () => {
    expect(threadsFor(6, 2)).toBe(6);
    expect(threadsFor(0, 2)).toBe(2);
    expect(threadsFor(undefined, 16)).toBe(16);
    expect(threadsFor(undefined, 0)).toBe(1);
  });
});

describe("rememberedLoad", () => {
  it("remembers the model and only the options that were chosen", () => {
    expect(rememberedLoad("/models/m.gguf", {})).toEqual({model: "/models/m.gguf"});
    expect(rememberedLoad("/models/m.gguf", {gpuLayers: 0, contextSize: 2048, threads: 0, parallelSequences: 2, flashAttention: false, batchSize: 32})).toEqual({
      model: "/models/m.gguf",
      gpuLayers: 0,
      contextSize: 2048,
      threads: 0,
      parallelSequences: 2,
      flashAttention: false,
    });
  });
});
