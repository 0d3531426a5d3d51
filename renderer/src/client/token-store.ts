const STORAGE_KEY = "deskside.apiToken";

/**
 * Takes the token the server printed (`…/#token=abc`) out of the address bar so it does not end up
 * in screenshots or bookmarks, and keeps it for the next visit.
 */
export function takeTokenFromLocation(location: Location = window.location, history: History = window.history): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token");
  if (!token) return null;
  params.delete("token");
  const rest = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  saveToken(token);
  return token;
}

export function loadToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Private windows may refuse storage; the token then lasts for this tab only.
  }
}

export function clearToken(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
