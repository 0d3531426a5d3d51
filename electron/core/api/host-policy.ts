import net from "node:net";
import {DesksideError} from "../../../shared/errors.js";

/** Loopback names and addresses: only programs on this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
  return false;
}

/**
 * A help-desk machine often sits on an office network; exposing the model and the knowledge base
 * there must be a deliberate choice, so any non-loopback bind needs allowLan.
 */
export function assertHostAllowed(host: string, allowLan: boolean): void {
  if (isLoopbackHost(host) || allowLan) return;
  throw new DesksideError(
    "SETTINGS_INVALID",
    `The API is set to listen on ${host}, which other computers on the network can reach. Turn on "Allow network access" in Settings (api.allowLan) to permit that, or use 127.0.0.1.`,
  );
}

/** Errors from binding the port, in words a technician can act on. */
export function listenError(error: unknown, host: string, port: number): DesksideError {
  const code = (error as {code?: string})?.code;
  if (code === "EADDRINUSE")
    return new DesksideError(
      "PORT_IN_USE",
      `Port ${port} on ${host} is already used by another program. Pick another port: set DESKSIDE_PORT (or --port) for the headless server, or change the API port in Settings.`,
      {cause: error, details: {port}},
    );
  if (code === "EACCES")
    return new DesksideError("PORT_IN_USE", `This user is not allowed to listen on port ${port}. Pick a port above 1024 with DESKSIDE_PORT or in Settings.`, {cause: error, details: {port}});
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new DesksideError("SETTINGS_INVALID", `The API host "${host}" is not an address of this machine; use 127.0.0.1 or fix the host in Settings.`, {cause: error});
  return new DesksideError("INTERNAL", "The local API could not start; details are in the log.", {cause: error});
}
