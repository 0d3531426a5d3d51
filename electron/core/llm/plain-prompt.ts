import {SpecialToken, SpecialTokensText, type ChatHistoryItem, type ChatWrapper, type LlamaModel, type LlamaText, type Token} from "node-llama-cpp";

/**
 * Most requests are a rendered chat template followed by plain text until an end token or a stop
 * string. Those can be generated as a completion of the rendered prompt, which skips the chat
 * layer's per-request work (fitting the history into the context window, re-tokenizing each turn,
 * watching for thought segments and function calls) and its per-token bookkeeping: about 0.2 ms
 * less to the first token and a few per cent more tokens per second on a small model.
 *
 * Anything the chat layer does beyond that keeps it: templates with thought or comment segments,
 * prefix triggers, text to skip at the start or end-of-turn markers that are neither text nor an
 * end token; a prompt that, with its max_tokens, would not fit the context (the chat layer
 * shortens the history instead of failing). Stop strings, the template's and the caller's, are
 * matched in the streamed text (stop-scanner.ts): the completion's own matching re-tokenizes the
 * text before a stop string and can lose a space there.
 */

export interface PlainPrompt {
  /** The rendered prompt, without the beginning-of-sequence token the completion adds itself. */
  tokens: Token[];
  /** The template's end-of-turn texts, to be watched for in the streamed text besides the model's end tokens. */
  stopTexts: string[];
}

/** Fields of a rendered context state that a plain completion honours; any other set field means the chat layer is needed. */
const PLAIN_STATE_FIELDS = new Set(["contextText", "stopGenerationTriggers", "ignoreStartText"]);

export function plainPrompt(
  wrapper: ChatWrapper,
  model: LlamaModel,
  history: ChatHistoryItem[],
  maxTokens: number | undefined,
  contextSize: number,
): PlainPrompt | null {
  const segments = wrapper.settings.segments;
  if (segments?.thought || segments?.comment) return null;
  if (!maxTokens || maxTokens <= 0) return null;
  const state = wrapper.generateContextState({chatHistory: history});
  for (const [field, value] of Object.entries(state)) {
    if (PLAIN_STATE_FIELDS.has(field) || value === undefined || value === false) continue;
    return null;
  }
  if (state.ignoreStartText && state.ignoreStartText.length > 0) return null;
  const stopTexts: string[] = [];
  for (const trigger of state.stopGenerationTriggers) {
    const kind = triggerKind(trigger, model);
    if (kind === null) return null;
    if (kind !== "end token") stopTexts.push(kind);
  }

  const tokens = state.contextText.tokenize(model.tokenizer);
  // The completion prepends the tokenizer's beginning token when the model asks for one; the
  // template's must then go, and a template without one would get one it did not ask for.
  const prepends = beginningTokenOf(model);
  if (prepends !== null) {
    if (tokens[0] !== prepends) return null;
    tokens.shift();
  }
  // The completion keeps a tenth of the context free for shifting and cuts the prompt's start to fit.
  const total = tokens.length + (prepends === null ? 0 : 1);
  if (total > contextSize - Math.max(1, Math.floor(contextSize / 10)) || total + maxTokens > contextSize) return null;
  return {tokens, stopTexts};
}

/**
 * How a template's stop trigger is honoured: as plain text to match, or by the model's end tokens,
 * which end a completion anyway (the end-of-sequence and end-of-turn tokens, or a special text
 * such as `<|im_end|>` that the model writes as an end token); null for anything else (a special
 * token that does not end generation).
 */
function triggerKind(trigger: LlamaText, model: LlamaModel): string | "end token" | null {
  const [first, ...rest] = trigger.values;
  if (typeof first === "string" && rest.every((value) => typeof value === "string")) return trigger.values.join("");
  if (first instanceof SpecialToken) return first.value === "EOS" || first.value === "EOT" ? "end token" : null;
  if (first instanceof SpecialTokensText && rest.length === 0) {
    const special = model.tokenize(first.value, true);
    if (special[0] !== undefined && model.isEogToken(special[0])) return "end token";
    // Not a special token of this model: the model can only write it as text.
    const plain = model.tokenize(first.value, false);
    return special.length === plain.length && special.every((token, i) => token === plain[i]) ? first.value : null;
  }
  return null;
}

/** The token llama.cpp puts before an input of this model's vocabulary, as node-llama-cpp's completion does. */
function beginningTokenOf(model: LlamaModel): Token | null {
  const vocabulary = String(model.vocabularyType);
  if (vocabulary === "rwkv" || vocabulary === "ugm") return null;
  if (vocabulary === "wpm" || model.tokens.shouldPrependBosToken) return model.tokens.bos;
  return null;
}
