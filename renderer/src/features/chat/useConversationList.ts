import {useCallback, useEffect, useRef, useState} from "react";
import type {ConversationSummary} from "../../../../shared/chat.js";
import {useClient, useEvent} from "../../client/context.js";

/** The conversation list, filtered on the core by `query` (debounced while typing). */
export function useConversationList(query: string) {
  const client = useClient();
  const [items, setItems] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++latest.current;
    try {
      const result = await client.invoke("chat.list", query.trim() ? {query: query.trim()} : {});
      if (mine === latest.current) {
        setItems(result);
        setError(null);
      }
    } catch (caught) {
      if (mine === latest.current) setError(caught);
    }
  }, [client, query]);

  useEffect(() => {
    const timer = setTimeout(() => void reload(), query ? 200 : 0);
    return () => clearTimeout(timer);
  }, [reload, query]);

  useEvent("chat.changed", () => void reload());
  // A finished answer changes the count and order even when no change event follows.
  useEvent("chat.message", (message) => {
    if (message.status !== "streaming") void reload();
  });

  return {items, error, reload, setItems};
}
