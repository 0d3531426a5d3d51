import type {Settings} from "../../../shared/settings.js";

/**
 * Which engines answer, in the order they are tried: the chosen engine first, the other one only as
 * the configured fallback. A remote engine exists only when its address and model are set.
 */
export function engineOrder<E>(llm: Pick<Settings["llm"], "engine" | "fallback">, local: E, remote: E | null): E[] {
  const order: E[] = llm.engine === "remote" && remote ? [remote, local] : [local];
  if (llm.engine === "remote" && llm.fallback !== "remote-then-local") return order.slice(0, 1);
  if (llm.engine === "local" && llm.fallback === "local-then-remote" && remote) order.push(remote);
  if (llm.engine === "local" && llm.fallback === "remote-then-local" && remote) order.unshift(remote);
  return order;
}
