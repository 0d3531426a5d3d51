import http from "node:http";
import type {Socket} from "node:net";

/**
 * Requests so broken that HTTP parsing fails never reach a route, so the route's error shape is
 * unknown; the body carries both shapes' fields ({code, message} and OpenAI's {type, param}).
 */
export function clientErrorHandler(error: Error & {code?: string}, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "TIMEOUT", "The request was not received in time."]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "PAYLOAD_TOO_LARGE", "The request headers are too large."]
        : [400, "INVALID_INPUT", "The request is not valid HTTP."];
  const body = JSON.stringify({error: {code, message, type: "invalid_request_error", param: null}});
  if (socket.writable)
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(error);
}
