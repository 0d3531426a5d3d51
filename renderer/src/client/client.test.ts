import {afterEach, describe, expect, it, vi} from "vitest";
import {createClient} from "./client.js";
import {createHttpTransport} from "./http-transport.js";
import {RpcError} from "./rpc-error.js";
import {loadToken, takeTokenFromLocation} from "./token-store.js";

afterEach(() => vi.unstubAllGlobals());

describe("client", () => {
  it("posts to /rpc/<method> with the bearer token and returns the result", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ok: true, result: [{id: "c1"}]})));
    vi.stubGlobal("fetch", fetchMock);
    const client = createClient(createHttpTransport({token: "t0k"}));
    await expect(client.invoke("chat.list", {query: "vpn"})).resolves.toEqual([{id: "c1"}]);
    expect(fetchMock).toHaveBeenCalledWith("/rpc/chat.list", expect.objectContaining({method: "POST", body: JSON.stringify({query: "vpn"})}));
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer t0k");
  });

  it("turns {ok: false} into an RpcError that keeps the code", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ok: false, error: {code: "MODEL_NOT_FOUND", message: "No model named x."}}), {status: 404}));
    const client = createClient(createHttpTransport({token: "t"}));
    const error = await client.invoke("models.unload").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({code: "MODEL_NOT_FOUND", message: "No model named x."});
  });

  it("reports an unreachable server without a stack trace", async () => {
    vi.stubGlobal("fetch", async () => Promise.reject(new TypeError("Failed to fetch")));
    const client = createClient(createHttpTransport({token: "t"}));
    await expect(client.invoke("app.info")).rejects.toMatchObject({code: "OFFLINE"});
  });

  it("subscribes to server-sent events with the token in the query", () => {
    const sources: {url: string; listeners: Record<string, (event: MessageEvent) => void>}[] = [];
    class FakeEventSource {
      listeners: Record<string, (event: MessageEvent) => void> = {};
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(name: string, listener: (event: MessageEvent) => void) {
        this.listeners[name] = listener;
      }
      close() {}
    }
    vi.stubGlobal("EventSource", FakeEventSource);
    const client = createClient(createHttpTransport({token: "a b"}));
    const seen: unknown[] = [];
    client.on("chat.token", (payload) => seen.push(payload));
    expect(sources[0].url).toBe("/events?token=a%20b");
    sources[0].listeners["chat.token"]({data: JSON.stringify({messageId: "m", text: "hi"})} as MessageEvent);
    expect(seen).toEqual([{messageId: "m", text: "hi"}]);
  });

  it("takes the token from the address-bar fragment and removes it", () => {
    history.replaceState(null, "", "/index.html#token=secret123&panel=chat");
    expect(takeTokenFromLocation()).toBe("secret123");
    expect(location.hash).toBe("#panel=chat");
    expect(loadToken()).toBe("secret123");
  });
});
