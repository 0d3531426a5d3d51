/** Rough token count (about 4 characters a token in English) for when no tokenizer is at hand. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
