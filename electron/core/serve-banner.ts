/**
 * What the headless server prints when it is ready. Service managers keep stdout in their logs, so
 * the API token appears only masked unless the person starting it asks for it (--print-token or
 * DESKSIDE_PRINT_TOKEN=1, e.g. on a terminal of their own).
 */

/** Enough of the token to tell two apart, never enough to use: the last 4 characters of a long one. */
export function maskToken(token: string): string {
  const prefix = token.startsWith("dsk_") ? "dsk_" : "";
  return token.length >= 24 ? `${prefix}…${token.slice(-4)}` : `${prefix}${"•".repeat(8)}`;
}

export function wantsPrintedToken(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes("--print-token") || env.DESKSIDE_PRINT_TOKEN === "1";
}

export interface BannerInput {
  url: string;
  token: string;
  dataDir: string;
  /** Where the stored token lives (settings.json in the data folder). */
  settingsFile: string;
  /** The token came from DESKSIDE_API_TOKEN or --api-token: whoever started the server has it. */
  tokenFromEnvironment: boolean;
  printToken: boolean;
}

export function readyLines({url, token, dataDir, settingsFile, tokenFromEnvironment, printToken}: BannerInput): string[] {
  const lines = [`Deskside listening on ${url}`];
  if (printToken) lines.push(`Open the app: ${url}/#token=${token}`);
  else {
    const where = tokenFromEnvironment ? "the value given in DESKSIDE_API_TOKEN (or --api-token)" : `the full value is api.token in ${settingsFile}`;
    lines.push(`Open the app: ${url}/ and sign in with the API token`);
    lines.push(`API token: ${maskToken(token)} (${where}; start with --print-token or DESKSIDE_PRINT_TOKEN=1 to print the address with it)`);
  }
  lines.push(`Data folder: ${dataDir}`);
  return lines;
}
