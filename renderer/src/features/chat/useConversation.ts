import {useCallback, useRef, useState} from "react";
import type {Conversation, ConversationSummary, StoredMessage} from "../../../../shared/chat.js";
import type {ChatSendResult} from "../../../../shared/contract.js";
import {useClient, useEvent} from "../../client/context.js";
import {placeholderAnswer, upsertMessage, withoutLastAnswer, withoutLastExchange} from "./messages.js";

export interface ConversationController {
  conversationId: string | null;
  summary: ConversationSummary | null;
  messages: StoredMessage[];
  /** Text streamed so far, by assistant message id. */
  streams: Record<string, string>;
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
 * message is known; the final chat.message always wins over anything streamed or fetched.
 */
export function useConversation(): ConversationController {
  const client = useClient();
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [summary, setSummary] = useState<ConversationSummary | null>(null);
  const [messages, setMessages] = useState<StoredMessage[]>([]);
  const [streams, setStreams] = useState<Record<string, string>>({});
  const [pendingQuestion, setPendingQuestion] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const current = useRef<string | null>(null);
  const finals = useRef(new Map<string, StoredMessage>());
  const tokenBuffer = useRef(new Map<string, string>());
  const flushScheduled = useRef(false);
  /** While a send/regenerate/edit awaits its reply, that reply places the answer, not the tokens. */
  const awaiting = useRef(0);

  const settle = useCallback((message: StoredMessage) => (message.status === "streaming" ? (finals.current.get(message.id) ?? message) : message), []);

  const apply = useCallback(
    (conversation: Conversation) => {
      const {messages: stored, ...rest} = conversation;
      setSummary(rest);
      setMessages(stored.map(settle));
    },
    [settle],
  );

  const fetchCurrent = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    try {
      const conversation = await client.invoke("chat.get", {id});
      if (current.current === id) apply(conversation);
    } catch (error) {
      if (current.current === id) setLoadError(error);
    }
  }, [client, apply]);

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

  /** Adds the answer placeholder (or its final form if that already arrived). */
  const track = useCallback(
    (result: ChatSendResult, base: (messages: StoredMessage[]) => StoredMessage[]) => {
      if (current.current !== null && current.current !== result.conversationId) return;
      if (current.current === null) {
        current.current = result.conversationId;
        setConversationId(result.conversationId);
      }
      const answer = finals.current.get(result.assistantMessageId) ?? placeholderAnswer(result.conversationId, result.assistantMessageId);
      setMessages((previous) => {
        const rest = base(previous).filter((message) => message.id !== answer.id);
        return [...upsertMessage(rest, result.userMessage), answer];
      });
    },
    [],
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
    if (message.conversationId === current.current) setMessages((previous) => upsertMessage(previous, message));
  }, []);

  // Coalesce tokens to one render per frame; a fast local model emits far more than 60 a second.
  const flushTokens = useCallback(() => {
    flushScheduled.current = false;
    const buffered = tokenBuffer.current;
    if (buffered.size === 0) return;
    tokenBuffer.current = new Map();
    setStreams((previous) => {
      const next = {...previous};
      for (const [id, text] of buffered) if (!finals.current.has(id)) next[id] = (next[id] ?? "") + text;
      return next;
    });
  }, []);

  useEvent("chat.token", ({conversationId: from, messageId, text}) => {
    tokenBuffer.current.set(messageId, (tokenBuffer.current.get(messageId) ?? "") + text);
    if (from === current.current && awaiting.current === 0) {
      setMessages((previous) =>
        previous.some((message) => message.id === messageId)
          ? previous
          : [...previous, placeholderAnswer(from, messageId)],
      );
    }
    if (flushScheduled.current) return;
    flushScheduled.current = true;
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(flushTokens);
    else queueMicrotask(flushTokens);
  });

  useEvent("chat.message", (message) => {
    if (message.status !== "streaming") {
      finals.current.set(message.id, message);
      tokenBuffer.current.delete(message.id);
      setStreams((previous) => {
        if (!(message.id in previous)) return previous;
        const next = {...previous};
        delete next[message.id];
        return next;
      });
    }
    if (message.conversationId === current.current) setMessages((previous) => upsertMessage(previous, settle(message)));
  });

  const streaming = messages.some((message) => message.status === "streaming");

  useEvent("chat.changed", ({conversationId: changed}) => {
    if (changed === current.current && !streaming) void fetchCurrent();
  });

  return {
    conversationId,
    summary,
    messages,
    streams,
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
