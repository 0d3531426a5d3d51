/**
 * The window's security rules, kept free of Electron imports so they are unit-tested: a strict
 * Content-Security-Policy, no navigation away from the app, external links only for http(s).
 */

/** No remote scripts, no eval, no remote content; inline styles are allowed for React's style props. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Only web links leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

/** The window may only show the app itself; any other navigation is refused. */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appIndexUrl);
    return target.protocol === app.protocol && target.host === app.host && target.pathname === app.pathname;
  } catch {
    return false;
  }
}

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  spellcheck: boolean;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, spellcheck: true};
}
