import {createClient, type DesksideClient} from "./client.js";
import {createElectronTransport} from "./electron-transport.js";
import {createHttpTransport} from "./http-transport.js";
import {loadToken, takeTokenFromLocation} from "./token-store.js";

/** The desktop app's preload, when there is one. */
export function connectToDesktop(): DesksideClient | null {
  return window.deskside ? createClient(createElectronTransport(window.deskside)) : null;
}

/** A token from the address bar wins over one kept from an earlier visit. */
export function findBrowserToken(): string | null {
  return takeTokenFromLocation() ?? loadToken();
}

export function connectToServer(token: string, onConnectionChange?: (connected: boolean) => void): DesksideClient {
  return createClient(createHttpTransport({token, onConnectionChange}));
}
