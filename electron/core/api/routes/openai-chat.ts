import type {FastifyInstance} from "fastify";
import type {AnswerMetrics, Citation} from "../../../../shared/chat.js";
import type {GenerationResult} from "../../../../shared/models.js";
import {ApiError, openaiErrorBody, toHttpError} from "../http-errors.js";
import {waitForModel} from "../model-wait.js";
import {RAG_MODEL_ID, chunk, completionId, toChatMessages, toFinishReason, toGenerateOptions, usageView, type ChunkBase} from "../openai-format.js";
import {abandon, callerOf, currentModelId, type RouteContext} from "../route-context.js";
import {chatCompletionRequest, chatCompletionResponse, openaiErrorResponse, type ChatCompletionRequest} from "../schemas.js";
import {SseWriter} from "../sse-writer.js";
import {answerTimingsView, citationView} from "../views.js";

interface Outcome {
  text: string;
  generation: GenerationResult | null;
  rag: {sources: Citation[]; mode: string | null; notice: string | null; metrics: AnswerMetrics} | null;
}

const SUMMARY = "Chat completion, streamed (server-sent events) or not. `model: deskside-rag` answers from the knowledge base and adds `deskside.sources`.";

export function registerOpenAiChatRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "chat" | "engine" | "localEngine" | "limits" | "generationDefaults" | "metrics">): void {
  app.post(
    "/v1/chat/completions",
    {
      config: {accepts: "json"},
      schema: {
        tags: ["OpenAI-compatible"],
        summary: SUMMARY,
        body: chatCompletionRequest,
        response: {200: chatCompletionResponse, 400: openaiErrorResponse, 429: openaiErrorResponse, 503: openaiErrorResponse},
      },
    },
    async (request, reply) => {
      const body = request.body as ChatCompletionRequest;
      const life = request.lifecycle;
      const messages = toChatMessages(body.messages);
      const rag = body.model === RAG_MODEL_ID;
      // A model still loading is waited for (bounded), so its context is known below.
      if (!(await waitForModel(ctx, life.signal))) return abandon(reply);
      // A local model's context bounds max_tokens; a remote server applies its own limit.
      const contextSize = ctx.engine.kind === "local" ? ctx.engine.contextSize() : 0;
      const options = toGenerateOptions(body, ctx.generationDefaults(), contextSize);
      if (rag && (options.jsonObject || options.jsonSchema))
        throw new ApiError(400, "INVALID_INPUT", "response_format is not available with deskside-rag; use the chat model's id for structured output.", {param: "response_format"});

      const base: ChunkBase = {id: completionId(), created: Math.floor(Date.now() / 1000), model: rag ? RAG_MODEL_ID : (currentModelId(ctx.engine) ?? body.model)};
      const includeUsage = body.stream_options?.include_usage === true;
      const usageField = includeUsage ? {usage: null} : {};
      const sse = body.stream === true ? new SseWriter(reply) : null;
      // The stream opens with the first text, so a request that fails before it (BUSY, no model)
      // still gets an ordinary status code the SDKs map to their exception classes.
      let roleSent = false;
      const openStream = () => {
        if (!sse || roleSent) return;
        roleSent = true;
        sse.sendWithNext(chunk(base, {role: "assistant", content: ""}, null, usageField));
      };
      // A request waiting for a free slot opens its stream at once and hears where it stands, as SSE
      // comments (invisible to OpenAI SDKs, so nothing changes for them) and the X-Deskside-Queue header.
      const onQueued = sse
        ? (position: number) => {
            if (!sse.isOpen) reply.header("x-deskside-queue", String(position));
            sse.comment(`deskside.queue ${JSON.stringify({position})}`);
          }
        : undefined;
      const onText = sse
        ? (text: string) => {
            openStream();
            sse.send(chunk(base, {content: text}, null, usageField));
          }
        : undefined;

      let outcome: Outcome;
      try {
        if (rag) {
          const answer = await ctx.chat.answer({
            messages,
            signal: life.signal,
            onText,
            maxTokens: options.maxTokens,
            temperature: options.temperature,
            topP: options.topP,
            seed: options.seed,
            stop: options.stop,
            collection: body.deskside?.collection,
            onQueued,
            owner: callerOf(request).owner,
          });
          outcome = {text: answer.text, generation: answer.generation, rag: {sources: answer.sources, mode: answer.mode, notice: answer.notice, metrics: answer.metrics}};
        } else {
          const generation = await ctx.engine.generate(messages, {...options, signal: life.signal, onText, onQueued, cacheScope: callerOf(request).owner});
          outcome = {text: generation.text, generation, rag: null};
        }
      } catch (error) {
        if (life.reason === "disconnect" || (sse?.isOpen && sse.closed)) return abandon(reply);
        if (!sse?.isOpen) throw error;
        // Mid-stream failure: OpenAI's SDKs turn an `error` event into an exception.
        const failure = toHttpError(error);
        ctx.metrics.observeError(request.routeOptions.url ?? "unmatched", failure.code);
        sse.send({error: openaiErrorBody(failure).error});
        sse.send("[DONE]");
        return sse.end();
      }

      const generation = outcome.generation;
      // Stateless: no conversation records these tokens, so they are counted for the caller's token here.
      ctx.metrics.observeGeneration("v1.chat.completions", generation?.usage.completionTokens ?? 0, generation?.timings.timeToFirstTokenMs ?? null, callerOf(request));
      if (life.reason === "disconnect" || life.reason === "shutdown") {
        if (sse?.isOpen) sse.end();
        return abandon(reply);
      }
      if (life.timedOut) {
        if (!sse?.isOpen) return abandon(reply);
        sse.send({error: {message: "The answer took longer than the API's request timeout and was stopped.", type: "server_error", param: null, code: "timeout"}});
        sse.send("[DONE]");
        return sse.end();
      }

      const finishReason = toFinishReason(generation?.finishReason ?? "stop");
      const deskside = outcome.rag ? {deskside: {sources: outcome.rag.sources.map(citationView), mode: outcome.rag.mode, notice: outcome.rag.notice, timings: answerTimingsView(outcome.rag.metrics)}} : {};
      const usage = usageView(generation?.usage);
      if (sse) {
        openStream();
        // Answers made without the model (excerpts only, "not covered") never streamed; send them whole.
        if (!generation && outcome.text) sse.send(chunk(base, {content: outcome.text}, null, usageField));
        sse.send(chunk(base, {}, finishReason, {...usageField, ...deskside}));
        if (includeUsage) sse.send({id: base.id, object: "chat.completion.chunk", created: base.created, model: base.model, system_fingerprint: null, choices: [], usage});
        sse.send("[DONE]");
        return sse.end();
      }
      return {
        id: base.id,
        object: "chat.completion",
        created: base.created,
        model: base.model,
        system_fingerprint: null,
        choices: [{index: 0, message: {role: "assistant", content: outcome.text, refusal: null}, finish_reason: finishReason, logprobs: null}],
        usage,
        ...deskside,
      };
    },
  );
}
