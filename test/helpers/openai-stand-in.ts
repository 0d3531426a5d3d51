import http from "node:http";
import type {AddressInfo} from "node:net";

/**
 * A minimal OpenAI-compatible server standing in for a remote GPU box (vLLM, Ollama…), which is
 * outside the product. It streams a fixed reply word by word and records what it was sent.
 */
export interface StandIn {
  url: string;
  requests: {path: string; body: any; headers: http.IncomingHttpHeaders}[];
  mode: "ok" | "error" | "hang" | "json";
  reply: string;
  close(): Promise<void>;
}

export async function startOpenAIStandIn(): Promise<StandIn> {
  const state: Omit<StandIn, "url" | "close"> = {requests: [], mode: "ok", reply: "Restart the VPN service, then reconnect."};
  const server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : null;
    state.requests.push({path: req.url ?? "", body, headers: req.headers});
    if (req.url === "/v1/models") {
      res.writeHead(200, {"content-type": "application/json"}).end(JSON.stringify({object: "list", data: [{id: "remote-model", object: "model"}]}));
      return;
    }
    if (state.mode === "hang") return;
    if (state.mode === "error") {
      res.writeHead(500, {"content-type": "application/json"}).end(JSON.stringify({error: {message: "model crashed", type: "server_error"}}));
      return;
    }
    const words = state.reply.split(/(?<= )/);
    if (state.mode === "json" || !body?.stream) {
      res.writeHead(200, {"content-type": "application/json"}).end(
        JSON.stringify({choices: [{message: {role: "assistant", content: state.reply}, finish_reason: "stop"}], usage: {prompt_tokens: 11, completion_tokens: words.length}}),
      );
      return;
    }
    res.writeHead(200, {"content-type": "text/event-stream"});
    for (const word of words) res.write(`data: ${JSON.stringify({choices: [{delta: {content: word}, finish_reason: null}]})}\n\n`);
    res.write(`data: ${JSON.stringify({choices: [{delta: {}, finish_reason: "stop"}]})}\n\n`);
    res.write(`data: ${JSON.stringify({choices: [], usage: {prompt_tokens: 11, completion_tokens: words.length}})}\n\n`);
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const {port} = server.address() as AddressInfo;
  const standIn = state as StandIn;
  standIn.url = `http://127.0.0.1:${port}/v1`;
  standIn.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const {port} = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
