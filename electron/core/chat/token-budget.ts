/** Counts tokens with the engine's tokenizer; async because remote engines may estimate. */
export type TokenCounter = (text: string) => Promise<number>;

/**
 * Shortens text to at most `maxTokens`, keeping the start (and, with keepEnd, the end) and marking the
 * cut. Searches on characters with the real tokenizer so the result fits whatever the tokenizer is.
 */
export async function truncateToTokens(text: string, maxTokens: number, count: TokenCounter, keepEnd = false): Promise<string> {
  if (maxTokens <= 0) return "";
  if ((await count(text)) <= maxTokens) return text;
  const marker = " […] ";
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((await count(cut(text, mid, keepEnd, marker))) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? "" : cut(text, low, keepEnd, marker);
}

function cut(text: string, chars: number, keepEnd: boolean, marker: string): string {
  if (!keepEnd) return `${text.slice(0, chars).trimEnd()}${marker.trimEnd()}`;
  const head = Math.ceil(chars / 2);
  return `${text.slice(0, head)}${marker}${text.slice(text.length - (chars - head))}`;
}
