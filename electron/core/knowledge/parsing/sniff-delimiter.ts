/**
 * Finds the field separator of delimited text by consistency: the candidate that splits most
 * records into the same number of fields wins. Quotes are honoured, so a comma inside a quoted
 * note or a newline inside a quoted cell does not disturb the count.
 */

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface DelimiterGuess {
  delimiter: Delimiter;
  /** The most common number of separators per record. */
  separatorsPerRecord: number;
  /** Share of non-empty records with exactly that many separators (0..1). */
  consistency: number;
  /** Non-empty records inspected. */
  records: number;
}

const MAX_RECORDS = 50;

export function sniffDelimiter(text: string): DelimiterGuess | null {
  let best: DelimiterGuess | null = null;
  for (const delimiter of DELIMITERS) {
    const counts = separatorCounts(text, delimiter);
    if (counts.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    let mode = 0;
    let modeHits = 0;
    for (const [count, hits] of frequency) {
      if (count > 0 && (hits > modeHits || (hits === modeHits && count > mode))) {
        mode = count;
        modeHits = hits;
      }
    }
    if (mode === 0) continue;
    const guess: DelimiterGuess = {delimiter, separatorsPerRecord: mode, consistency: modeHits / counts.length, records: counts.length};
    if (!best || guess.consistency > best.consistency || (guess.consistency === best.consistency && guess.separatorsPerRecord > best.separatorsPerRecord)) {
      best = guess;
    }
  }
  return best;
}

/** Separator count of each non-empty record among the first few, outside quotes. */
function separatorCounts(text: string, delimiter: string): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let count = 0;
  let empty = true;
  for (let i = 0; i < text.length && counts.length < MAX_RECORDS; i++) {
    const ch = text[i];
    if (ch === '"') {
      inQuotes = !inQuotes;
      empty = false;
    } else if (!inQuotes && (ch === "\n" || ch === "\r")) {
      if (!empty) counts.push(count);
      count = 0;
      empty = true;
    } else if (!inQuotes && ch === delimiter) {
      count++;
      empty = false;
    } else if (ch !== " " && ch !== "\ufeff") {
      empty = false;
    }
  }
  if (!empty && counts.length < MAX_RECORDS) counts.push(count);
  return counts;
}
