import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {getLlama, LlamaChat, QwenChatWrapper, resolveChatWrapper, type LlamaContext, type LlamaModel} from "node-llama-cpp";
import {FIXTURE_GGUF} from "../../../test/helpers/fixtures.js";
import {toLlamaHistory} from "./chat-history.js";
import {LocalEngine} from "./local-engine.js";
import {plainPrompt} from "./plain-prompt.js";
import {FIXTURE_MODELS_DIR} from "../../../test/helpers/fixtures.js";

const ASK = [
  {role: "system" as const, content: "You are a help-desk assistant. Answer in numbered steps."},
  {role: "user" as const, content: "The VPN client says error 809 after the update. What should I check first?"},
];

let model: LlamaModel;
let context: LlamaContext;
let engine: LocalEngine;

beforeAll(async () => {
  const llama = await getLlama({gpu: false, build: "never"});
  model = await llama.loadModel({modelPath: FIXTURE_GGUF});
  context = await model.createContext({contextSize: 512, sequences: 1, threads: 1});
  engine = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
  await engine.load({model: FIXTURE_GGUF, threads: 1, sequences: 2, contextSize: 512});
});
afterAll(async () => {
  await engine.dispose();
  await context.dispose();
  await model.dispose();
});

describe("plain prompts: requests served as a completion of the rendered template", () => {
  it("renders the template the chat layer would load, less the beginning token the completion adds", () => {
    const wrapper = resolveChatWrapper(model);
    const history = toLlamaHistory(ASK);
    const prompt = plainPrompt(wrapper, model, history, 64, 512)!;
    const rendered = wrapper.generateContextState({chatHistory: history}).contextText.tokenize(model.tokenizer);
    expect(rendered[0]).toBe(model.tokens.bos);
    expect(prompt.tokens).toEqual(rendered.slice(1));
    // The general template ends a turn with "### Human" and the like, which the model writes as text.
    expect(prompt.stopTexts).toContain("\n\n### Human");
  });

  it("leaves to the chat layer what only it handles: no max_tokens, a prompt that would not fit, thought segments", () => {
    const wrapper = resolveChatWrapper(model);
    const history = toLlamaHistory(ASK);
    expect(plainPrompt(wrapper, model, history, undefined, 512)).toBeNull();
    // The prompt and max_tokens together must fit the context, and the prompt its first nine tenths.
    const length = plainPrompt(wrapper, model, history, 1, 512)!.tokens.length + 1;
    expect(plainPrompt(wrapper, model, history, 512 - length, 512)).not.toBeNull();
    expect(plainPrompt(wrapper, model, history, 512 - length + 1, 512)).toBeNull();
    const long = toLlamaHistory([{role: "user", content: "the spooler stops again ".repeat(150)}]);
    expect(plainPrompt(wrapper, model, long, 1, 512)).toBeNull();
    expect(plainPrompt(new QwenChatWrapper(), model, history, 64, 512)).toBeNull();
  });

  it("generates exactly what the chat layer generates, with stop strings and the same token counts", async () => {
    const history = toLlamaHistory(ASK);
    const viaChat = async (maxTokens: number, stop?: string[]) => {
      const sequence = context.getSequence();
      const chat = new LlamaChat({contextSequence: sequence, autoDisposeSequence: true});
      try {
        let tokens = 0;
        const response = await chat.generateResponse(history, {maxTokens, temperature: 0, repeatPenalty: false, customStopTriggers: stop, onResponseChunk: (chunk) => void (tokens += chunk.tokens.length)});
        return {text: response.response, stopReason: response.metadata.stopReason, tokens};
      } finally {
        chat.dispose();
      }
    };
    const reference = await viaChat(48);
    const result = await engine.generate(ASK, {maxTokens: 48, temperature: 0});
    expect(result.text).toBe(reference.text);
    expect(result.finishReason).toBe(reference.stopReason === "maxTokens" ? "length" : "stop");
    expect(result.usage.completionTokens).toBe(reference.tokens);

    // A stop string cut from the middle of the greedy answer ends both at the same place, also
    // right after a character the model spells in several byte tokens.
    const asciiWindows = [...reference.text.matchAll(/(?=([\x21-\x7e]{6}))/g)].map((match) => ({at: match.index, text: match[1]}));
    const afterWide = asciiWindows.find((window) => /[^ -~\s]/.test(reference.text.slice(window.at - 2, window.at)));
    for (const stop of [asciiWindows[3].text, afterWide?.text].filter((text): text is string => text !== undefined)) {
      const stopped = await viaChat(48, [stop]);
      const mine = await engine.generate(ASK, {maxTokens: 48, temperature: 0, stop: [stop]});
      expect(stopped.stopReason).toBe("customStopTrigger");
      expect(mine.text).toBe(stopped.text);
      expect(mine.finishReason).toBe("stop");
    }
    expect(afterWide).toBeDefined();
  });

  it("stops at a stop string holding a character the model spelled in several byte tokens", async () => {
    const reference = await engine.generate(ASK, {maxTokens: 48, temperature: 0});
    const wide = reference.text.match(/\S*[^ -~\s]\S*/)?.[0];
    expect(wide).toBeDefined();
    const stopped = await engine.generate(ASK, {maxTokens: 48, temperature: 0, stop: [wide!]});
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.text).toBe(reference.text.slice(0, reference.text.indexOf(wide!)));
  });

  it("frees the model only after aborted generations have stopped, so no sampling step meets a freed context", async () => {
    const other = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    try {
      // A repeat penalty makes every sampling step call back into the generation, which fails once freed.
      for (let round = 0; round < 5; round++) {
        await other.load({model: FIXTURE_GGUF, threads: 1, sequences: 2, contextSize: 512});
        let unloading: Promise<void> | null = null;
        const generation = other.generate(ASK, {maxTokens: 400, temperature: 0, repeatPenalty: 1.1, onText: () => void (unloading ??= other.unload())});
        const result = await generation;
        await unloading;
        expect(result.finishReason).toBe("abort");
      }
    } finally {
      await other.dispose();
    }
  });
});
