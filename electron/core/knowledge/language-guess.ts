/**
 * Which language a question or a passage is written in, from its script and its most common short
 * words: enough to tell an English question from a French, Turkish or Japanese translation of the
 * page that answers it. Manuals ship in many languages side by side (Apache's in eleven), and a
 * translation keeps the original's directive names, commands and error messages, so it matches an
 * English question word for word where it matters and is no use to the person who asked. Says
 * nothing (null) when the evidence is thin: a terse question ("vpn error 809") or a block of code.
 */

export type LanguageCode = string;

/** Each language's most frequent function words: the words that say which language a text is in. */
const FUNCTION_WORDS: Record<LanguageCode, readonly string[]> = {
  en: [
    "the", "and", "of", "to", "is", "in", "it", "that", "for", "with", "on", "are", "this", "be", "by", "not", "or", "can", "from", "how", "what",
    "my", "when", "will", "does", "do", "have", "has", "an", "which", "you", "they", "should", "but", "if", "after", "why", "there", "been",
    "would", "a", "i", "all", "them", "our", "we", "too", "get", "getting", "keeps", "need", "want", "doesn", "won", "isn", "can't", "won't",
    "doesn't", "isn't", "don't", "it's", "i'm", "any", "every", "again", "still", "now", "just", "its", "their", "into", "than",
  ],
  de: ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "für", "auf", "den", "dem", "des", "sich", "wird", "werden", "von", "zu", "im", "auch", "oder", "wenn", "kann", "sie", "wie", "bei", "nach", "aus", "einer", "durch", "sind", "über", "nur"],
  fr: ["le", "la", "les", "et", "est", "des", "une", "un", "du", "pour", "que", "qui", "dans", "pas", "sur", "au", "aux", "avec", "ce", "cette", "sont", "par", "vous", "il", "être", "peut", "ou", "plus", "ne", "se", "si", "mais"],
  es: ["el", "la", "los", "las", "y", "es", "que", "del", "en", "un", "una", "para", "con", "por", "se", "no", "como", "su", "al", "lo", "más", "este", "esta", "puede", "cuando", "si", "son", "o", "entre", "también"],
  pt: ["o", "os", "as", "e", "é", "que", "do", "da", "dos", "das", "em", "um", "uma", "para", "com", "não", "por", "se", "no", "na", "ao", "mais", "como", "pode", "ser", "quando", "seu", "sua", "isso", "também"],
  it: ["il", "lo", "gli", "le", "e", "è", "che", "di", "del", "della", "un", "una", "per", "con", "non", "sono", "nel", "nella", "da", "si", "come", "questo", "può", "essere", "anche", "più", "se", "quando", "alla", "dei"],
  nl: ["de", "het", "een", "en", "is", "van", "dat", "die", "niet", "met", "voor", "op", "zijn", "te", "er", "aan", "wordt", "worden", "ook", "als", "maar", "bij", "om", "naar", "kan", "deze", "dit", "wel", "uit", "geen"],
  tr: ["ve", "bir", "bu", "için", "ile", "olarak", "da", "de", "değil", "olan", "gibi", "daha", "çok", "her", "ya", "veya", "ise", "sonra", "kadar", "şu", "olduğu", "tarafından", "eğer", "ancak", "sadece", "ki", "mi", "bunu", "olur", "yani"],
  pl: ["i", "w", "na", "nie", "się", "z", "do", "jest", "że", "to", "jak", "dla", "od", "po", "przez", "lub", "jeśli", "są", "być", "tego", "oraz", "może", "ten", "ta", "który", "która", "tylko", "czy", "przy", "aby"],
  sv: ["och", "att", "det", "som", "en", "är", "på", "för", "med", "till", "av", "inte", "den", "om", "har", "kan", "eller", "från", "ett", "vid", "när", "så", "detta", "också", "men", "ska", "var", "sig", "alla", "dessa"],
  da: ["og", "at", "det", "er", "en", "til", "på", "af", "med", "for", "ikke", "den", "som", "har", "kan", "eller", "fra", "et", "ved", "når", "så", "dette", "også", "men", "skal", "var", "sig", "alle", "disse", "være"],
};

/** Scripts that name their language (or family) alone; Latin needs the words above. */
const SCRIPTS: readonly {code: LanguageCode; pattern: RegExp}[] = [
  {code: "ja", pattern: /[\u3040-\u30ff]/gu},
  {code: "ko", pattern: /[\uac00-\ud7af\u1100-\u11ff]/gu},
  {code: "zh", pattern: /[\u4e00-\u9fff]/gu},
  {code: "ru", pattern: /[\u0400-\u04ff]/gu},
  {code: "el", pattern: /[\u0370-\u03ff]/gu},
  {code: "ar", pattern: /[\u0600-\u06ff]/gu},
  {code: "he", pattern: /[\u0590-\u05ff]/gu},
  {code: "th", pattern: /[\u0e00-\u0e7f]/gu},
];

const WORD_LANGUAGES = new Map<string, LanguageCode[]>();
for (const [code, words] of Object.entries(FUNCTION_WORDS)) {
  for (const word of words) WORD_LANGUAGES.set(word, [...(WORD_LANGUAGES.get(word) ?? []), code]);
}

export interface GuessOptions {
  /**
   * Function-word evidence the winning language needs. A word several languages share ("in", "de",
   * "do") counts for each of them by its share (1/3 each for three), so only a language's own words
   * count in full.
   */
  minWords: number;
  /** How far the winner must lead the runner-up (a ratio of their evidence). */
  lead: number;
}

/** Evidence a question needs: a couple of function words ("how do I…", "apache will not start"). */
export const QUESTION_EVIDENCE: GuessOptions = {minWords: 1.5, lead: 1.5};
/** Evidence a passage needs: enough that a page of English with a few foreign words is not mistaken. */
export const PASSAGE_EVIDENCE: GuessOptions = {minWords: 4, lead: 2};

/** How much of a passage is read: the language shows in its first sentences. */
const SAMPLE_CHARS = 2000;

export function guessLanguage(text: string, options: GuessOptions): LanguageCode | null {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return null;
  // Japanese mixes kana with Chinese characters: any kana makes it Japanese.
  let bestScript: {code: LanguageCode; count: number} | null = null;
  for (const {code, pattern} of SCRIPTS) {
    const count = sample.match(pattern)?.length ?? 0;
    if (code === "ja" && count > 0 && count >= letters * 0.05) return "ja";
    if (count > (bestScript?.count ?? 0)) bestScript = {code, count};
  }
  // A page in another script still carries Latin names and commands; its own letters say what it is.
  if (bestScript && bestScript.count >= letters * 0.2) return bestScript.code;

  const counts = new Map<LanguageCode, number>();
  for (const word of sample.toLowerCase().match(/\p{L}+(?:['\u2019]\p{L}+)?/gu) ?? []) {
    const languages = WORD_LANGUAGES.get(word) ?? [];
    for (const code of languages) counts.set(code, (counts.get(code) ?? 0) + 1 / languages.length);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < options.minWords) return null;
  // Languages share short words ("in", "de", "die"): the winner must clearly lead.
  if (second && best[1] < second[1] * options.lead) return null;
  return best[0];
}

/**
 * The language each document is written in, learned from its passages as searches read them and
 * kept for the life of the process: after the first searches, telling a translation apart reads
 * nothing. A document whose passages have not said clearly stays unknown (and is never held back).
 */
export class DocumentLanguages {
  private readonly known = new Map<string, LanguageCode>();

  constructor(private readonly capacity = 200_000) {}

  get(documentId: string): LanguageCode | undefined {
    return this.known.get(documentId);
  }

  /** Learns a document's language from one of its passages, when the passage says it clearly. */
  learn(documentId: string, passage: string): LanguageCode | null {
    const language = guessLanguage(passage, PASSAGE_EVIDENCE);
    if (language) {
      // A re-imported document gets a new id; the oldest entries make room past the capacity.
      if (this.known.size >= this.capacity) this.known.delete(this.known.keys().next().value as string);
      this.known.set(documentId, language);
    }
    return language;
  }
}
