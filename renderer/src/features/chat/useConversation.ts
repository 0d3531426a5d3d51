import {useCallback, useRef, useState} from "react";
import type {ConversationSummary, EarlierSummary, StoredMessage} from "../../../../shared/chat.js";
import type {ChatSendResult} from "../../../../shared/contract.js";
import {AnswerTexts} from "./answer-texts.js";
import {useClient, useEvent} from "../../client/context.js";
import {useResync} from "../../shell/connection.js";
import {MessageLedger} from "./message-ledger.js";
import {placeholderAnswer, upsertMessage, withoutLastAnswer, withoutLastExchange} from "./messages.js";

export interface ConversationController {
  conversationId: string | null;
  /** The conversation's title and counts, and what the model is told of its earliest messages. */
  summary: (ConversationSummary & {earlier?: EarlierSummary | null}) | null;
  messages: StoredMessage[];
  /** Text streamed so far, by assistant message id. */
  streams: Record<string, string>;
  /** Answers waiting for a free generation slot, by message id: their place in line (1: next). */
  queue: Record<string, number>;
  /** A question on its way to the core, shown before the core has stored it. */
  pendingQuestion: string | null;
  loading: boolean;
  loadError: unknown;
  streaming: boolean;
  open(id: string): Promise<void>;
  startNew(): void;
  send(text: string): Promise<void>;
  stop(): Promise<void>;
  regenerate(): Promise<void>;
  editLast(text: string): Promise<void>;
  replaceMessage(message: StoredMessage): void;
}

/**
 * One open conversation and its live answer. Tokens can arrive before chat.send has even replied
 * (the answer starts streaming at once), so they are kept by message id and shown as soon as the
 * message is known. Events may also run ahead of what the core has stored, so fetched snapshots are
 * merged message by message (see MessageLedger): a fetch never rolls back what an event delivered.
 */
export function useConversation(): ConversationController {
  const client = useClient();
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [summary, setSummary] = useState<ConversationController["summary"]>(null);
  const [messages, setMessages] = useState<StoredMessage[]>([]);
  const [streams, setStreams] = useState<Record<string, string>>({});
  /** Answers waiting for a free generation slot, by message id: their place in line. */
  const [queue, setQueue] = useState<Record<string, number>>({});
  // Read by the token handler, so tokens after the first do not each ask React for an update.
  const queueRef = useRef(queue);
  queueRef.current = queue;
  const [pendingQuestion, setPendingQuestion] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const current = useRef<string | null>(null);
  const ledger = useRef(new MessageLedger());
  /** Answers whose final copy arrived; tokens still in flight for them are dropped. */
  const finished = useRef(new Set<string>());
  /** Each streaming answer's text from its start, pieced together from tokens and snapshots. */
  const answers = useRef(new AnswerTexts());
  const flushScheduled = useRef(false);
  /** While a send/regenerate/edit awaits its reply, that reply places the answer, not the tokens. */
  const awaiting = useRef(0);

  // Coalesce tokens to one render per frame; a fast local model emits far more than 60 a second.
  const flushTokens = useCallback(() => {
    flushScheduled.current = false;
    const changed = answers.current.takeChanged();
    if (changed.size === 0) return;
    setStreams((previous) => {
      const next = {...previous};
      for (const [id, text] of changed) if (!finished.current.has(id)) next[id] = text;
      return next;
    });
  }, []);

  const scheduleFlush = useCallback(() => {
    if (flushScheduled.current) return;
    flushScheduled.current = true;
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(flushTokens);
    else queueMicrotask(flushTokens);
  }, [flushTokens]);

  const fetchCurrent = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    const startedAt = ledger.current.now();
    try {
      const {messages: stored, ...rest} = await client.invoke("chat.get", {id});
      if (current.current !== id) return;
      setSummary(rest);
      // An answer still being written comes as far as it has got; tokens that arrived meanwhile go on from there.
      for (const message of stored) if (message.status === "streaming") answers.current.seed(message.id, message.content);
      scheduleFlush();
      // The merge only drops ledger entries the snapshot has caught up with, so running it twice
      // (React may, in development) gives the same list.
      setMessages((previous) => ledger.current.merge(previous, stored, startedAt));
    } catch (error) {
      if (current.current === id) setLoadError(error);
    }
  }, [client, scheduleFlush]);

  const open = useCallback(
    async (id: string) => {
      current.current = id;
      setConversationId(id);
      setLoading(true);
      setLoadError(null);
      setMessages([]);
      setSummary(null);
      await fetchCurrent();
      if (current.current === id) setLoading(false);
    },
    [fetchCurrent],
  );

  const startNew = useCallback(() => {
    current.current = null;
    setConversationId(null);
    setSummary(null);
    setMessages([]);
    setLoadError(null);
    setLoading(false);
  }, []);

  /** A placeholder for an answer that is known only by id so far, kept until the core has it. */
  const placeholderFor = useCallback((conversation: string, messageId: string) => {
    const known = ledger.current.get(messageId);
    if (known) return known;
    const placeholder = placeholderAnswer(conversation, messageId);
    ledger.current.record(placeholder);
    return placeholder;
  }, []);

  /** Adds the question and the answer placeholder (or its final form if that already arrived). */
  const track = useCallback(
    (result: ChatSendResult, base: (messages: StoredMessage[]) => StoredMessage[]) => {
      if (current.current !== null && current.current !== result.conversationId) return;
      if (current.current === null) {
        current.current = result.conversationId;
        setConversationId(result.conversationId);
      }
      ledger.current.record(result.userMessage);
      const answer = placeholderFor(result.conversationId, result.assistantMessageId);
      setMessages((previous) => {
        const kept = base(previous);
        // What the base drops (a regenerated answer, an edited exchange) must not come back with a fetch begun before.
        for (const message of previous) if (!kept.includes(message)) ledger.current.remove(message.id);
        const rest = kept.filter((message) => message.id !== answer.id);
        return [...upsertMessage(rest, result.userMessage), answer];
      });
    },
    [placeholderFor],
  );

  const send = useCallback(
    async (text: string) => {
      setPendingQuestion(text);
      awaiting.current++;
      try {
        const result = await client.invoke("chat.send", {conversationId: current.current ?? undefined, message: text});
        track(result, (previous) => previous);
      } finally {
        awaiting.current--;
        setPendingQuestion(null);
      }
      void fetchCurrent();
    },
    [client, track, fetchCurrent],
  );

  const regenerate = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    awaiting.current++;
    try {
      track(await client.invoke("chat.regenerate", {conversationId: id}), withoutLastAnswer);
    } finally {
      awaiting.current--;
    }
  }, [client, track]);

  const editLast = useCallback(
    async (text: string) => {
      const id = current.current;
      if (!id) return;
      awaiting.current++;
      try {
        track(await client.invoke("chat.editLast", {conversationId: id, message: text}), withoutLastExchange);
      } finally {
        awaiting.current--;
      }
    },
    [client, track],
  );

  const stop = useCallback(async () => {
    const id = current.current;
    if (id) await client.invoke("chat.stop", {conversationId: id});
  }, [client]);

  const replaceMessage = useCallback((message: StoredMessage) => {
    ledger.current.record(message);
    if (message.conversationId === current.current) setMessages((previous) => upsertMessage(previous, message));
  }, []);


  const leaveQueue = (messageId: string) =>
    setQueue((previous) => {
      if (!(messageId in previous)) return previous;
      const next = {...previous};
      delete next[messageId];
      return next;
    });


  useEvent("chat.token", ({conversationId: from, messageId, text, offset}) => {
    answers.current.add(messageId, text, offset ?? null);
    if (messageId in queueRef.current) leaveQueue(messageId);
    if (from === current.current && awaiting.current === 0) {
      const answer = placeholderFor(from, messageId);
      setMessages((previous) => (previous.some((message) => message.id === messageId) ? previous : [...previous, answer]));
    }
    scheduleFlush();
  });

  useEvent("chat.queued", ({messageId, position}) => setQueue((previous) => ({...previous, [messageId]: position})));

  useEvent("chat.message", (message) => {
    // A streaming copy arriving after the final one is stale.
    if (message.status === "streaming" && finished.current.has(message.id)) return;
    ledger.current.record(message);
    if (message.status !== "streaming") {
      leaveQueue(message.id);
      finished.current.add(message.id);
      answers.current.drop(message.id);
      setStreams((previous) => {
        if (!(message.id in previous)) return previous;
        const next = {...previous};
        delete next[message.id];
        return next;
      });
    }
    if (message.conversationId === current.current) setMessages((previous) => upsertMessage(previous, message));
  });

  const streaming = messages.some((message) => message.status === "streaming");

  useEvent("chat.changed", ({conversationId: changed}) => {
    if (changed === current.current && !streaming) void fetchCurrent();
  });
  // Tokens and the final message may have been sent while the event stream was down.
  useResync(() => void fetchCurrent());

  return {
    conversationId,
    summary,
    messages,
    streams,
    queue,
    pendingQuestion,
    loading,
    loadError,
    streaming,
    open,
    startNew,
    send,
    stop,
    regenerate,
    editLast,
    replaceMessage,
  };
}
