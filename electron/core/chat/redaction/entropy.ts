/** Shannon entropy in bits per character; random base62 of length 32 scores about 4.6. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export interface CharClasses {
  upper: boolean;
  lower: boolean;
  digit: boolean;
  symbol: boolean;
}

export function charClasses(s: string): CharClasses {
  return {
    upper: /[A-Z]/.test(s),
    lower: /[a-z]/.test(s),
    digit: /[0-9]/.test(s),
    symbol: /[^A-Za-z0-9]/.test(s),
  };
}

function classOf(ch: string): number {
  if (ch >= "a" && ch <= "z") return 0;
  if (ch >= "A" && ch <= "Z") return 1;
  if (ch >= "0" && ch <= "9") return 2;
  return 3;
}

/**
 * Share of adjacent pairs that switch character class. Random strings switch about 60% of the time;
 * identifiers built from words (Win32_OperatingSystem, Report2024Final) switch far less.
 */
export function classTransitionRatio(s: string): number {
  if (s.length < 2) return 0;
  let changes = 0;
  for (let i = 1; i < s.length; i++) if (classOf(s[i]) !== classOf(s[i - 1])) changes++;
  return changes / (s.length - 1);
}

/** A letter run a person could pronounce: has a vowel, no four consonants or three vowels in a row. */
function pronounceable(run: string): boolean {
  const l = run.toLowerCase();
  return /[aeiouy]/.test(l) && !/[^aeiouy]{4,}/.test(l) && !/[aeiou]{3,}/.test(l);
}

/**
 * Share of characters covered by words: pronounceable letter runs (Capitalised or lowercase, 3+
 * letters, or an acronym) and entries of `vocabulary`. Identifiers score high; random strings
 * average well under 0.3.
 */
export function wordShare(s: string, vocabulary: readonly string[] = []): number {
  if (s.length === 0) return 0;
  const covered = new Uint8Array(s.length);
  for (const m of s.matchAll(/[A-Z]?[a-z]{3,}|[A-Z]{2,}(?![a-z])/g)) {
    if (pronounceable(m[0])) covered.fill(1, m.index, m.index + m[0].length);
  }
  const lower = s.toLowerCase();
  for (const word of vocabulary) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) covered.fill(1, at, at + word.length);
  }
  return covered.reduce((n, c) => n + c, 0) / s.length;
}
