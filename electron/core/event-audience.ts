import type {ApiCaller} from "../../shared/api-tokens.js";
import type {EventAudience} from "../../shared/contract.js";

/**
 * Whether a client may hear an event: one addressed to an owner reaches only that owner's clients
 * (one person's conversation never shows in another's stream); the rest is for `admin` clients.
 * Every transport that forwards events (IPC, /events) asks this.
 */
export function eventVisibleTo(audience: EventAudience | undefined, caller: Pick<ApiCaller, "owner" | "scope">): boolean {
  return audience ? audience.owner === caller.owner : caller.scope === "admin";
}
