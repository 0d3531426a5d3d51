/**
 * Token counting for chunk sizes. The embedding model's tokenizer is the truth; this estimate is
 * for when none is loaded, and errs high so chunks never outgrow the model's window.
 */

/**
 * About 4 characters a token for ASCII words, 3 for other alphabets (Cyrillic, Greek, Arabic…),
 * one per character for scripts written without spaces (CJK, Thai), one per punctuation mark.
 */
export function approximateTokenCount(text: string): number {
  let tokens = 0;
  let ascii = 0;
  let other = 0;
  const endWord = (): void => {
    tokens += Math.ceil(ascii / 4) + Math.ceil(other / 3);
    ascii = 0;
    other = 0;
  };
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) ascii++;
      else {
        endWord();
        if (code > 0x20 && code !== 0x7f) tokens++;
      }
    } else if (isUnspacedScript(code)) {
      endWord();
      tokens++;
    } else if (/[\p{L}\p{M}\p{N}]/u.test(char)) {
      other++;
    } else {
      endWord();
      if (!/\s/u.test(char)) tokens++;
    }
  }
  endWord();
  return tokens;
}

function isUnspacedScript(code: number): boolean {
  return (
    (code >= 0x0e00 && code <= 0x0eff) || // Thai, Lao
    (code >= 0x1000 && code <= 0x109f) || // Myanmar
    (code >= 0x1780 && code <= 0x17ff) || // Khmer
    (code >= 0x3040 && code <= 0x30ff) || // Hiragana, Katakana
    (code >= 0x3400 && code <= 0x9fff) || // CJK ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    code >= 0x20000
  );
}

/**
 * No tokenizer puts more characters than this into one token (BERT's [UNK] covers words up to
 * 100). Counts never go below length / this, so a pasted blob that a tokenizer calls "one unknown
 * token" still becomes chunks of bounded size.
 */
export const MAX_CHARS_PER_TOKEN = 128;
/** The largest chunk size the settings allow. */
const MAX_CHUNK_TOKENS = 2048;

/**
 * A counter that can also estimate the size of joined text from its parts without re-tokenizing:
 * `base` is what an empty string costs (special tokens some tokenizers always add), so a sum of
 * parts does not count those once per part.
 */
export interface TokenCounter {
  count(text: string): number;
  /** Tokens a piece adds when joined to others. */
  cost(text: string): number;
  base: number;
}

export function createTokenCounter(countTokens: (text: string) => number): TokenCounter {
  const base = Math.max(0, countTokens(""));
  const count = (text: string): number => {
    // Rounded down, so short texts (a separator) keep their exact count.
    const floor = Math.floor(text.length / MAX_CHARS_PER_TOKEN);
    // Past the largest chunk size the exact number changes nothing, and tokenizing megabytes is slow.
    if (floor > MAX_CHUNK_TOKENS) return base + floor;
    return Math.max(countTokens(text), base + floor);
  };
  return {count, cost: (text) => Math.max(0, count(text) - base), base};
}
