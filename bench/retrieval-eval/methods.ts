/**
 * The methods the retrieval evaluation compares: each search mode with the product's defaults, the
 * previous defaults, hybrid with one ranking step switched off at a time, and settings tried but not
 * made default.
 */
import type {EvalMethod} from "./evaluate.js";

/** The ranking before this evaluation existed: body-only BM25, confidence-weighted RRF, no document steps, no latent index. */
const PREVIOUS = {contextBoost: 0, fusion: "confidence", fusionMethod: "rrf", documentEvidence: 0, repeatDecay: 1, perDocumentCap: 0, starterPrior: 1, starterFillsIn: false, latentWeight: 0, languagePrior: 1} as const;

export const EVAL_METHODS: EvalMethod[] = [
  {name: "text", mode: "text"},
  {name: "vector", mode: "vector"},
  {name: "hybrid", mode: "hybrid"},
  {name: "text, previous", mode: "text", tuning: PREVIOUS},
  {name: "hybrid, previous", mode: "hybrid", tuning: PREVIOUS},
  {name: "hybrid − headings field", mode: "hybrid", tuning: {contextBoost: 0}},
  {name: "hybrid − calibration", mode: "hybrid", tuning: {fusion: "confidence"}},
  {name: "hybrid, equal weights", mode: "hybrid", tuning: {fusion: "equal"}},
  {name: "hybrid, rank fusion (RRF)", mode: "hybrid", tuning: {fusionMethod: "rrf"}},
  {name: "hybrid − document evidence", mode: "hybrid", tuning: {documentEvidence: 0}},
  // Document evidence from the candidate's own part of the document only (whole document by default).
  {name: "evidence-window-8", mode: "hybrid", tuning: {evidenceWindow: 8}},
  {name: "evidence-window-24", mode: "hybrid", tuning: {evidenceWindow: 24}},
  {name: "hybrid − diversification", mode: "hybrid", tuning: {repeatDecay: 1, perDocumentCap: 0}},
  {name: "hybrid − starter prior", mode: "hybrid", tuning: {starterPrior: 1}},
  {name: "hybrid − starter fill-in", mode: "hybrid", tuning: {starterFillsIn: false}},
  {name: "hybrid − latent index", mode: "hybrid", tuning: {latentWeight: 0}},
  {name: "hybrid − copies collapsed", mode: "hybrid", tuning: {collapseCopies: false}},
  {name: "text − copies collapsed", mode: "text", tuning: {collapseCopies: false}},
  // Copies told only by the same words in the same order, not by shared runs of words (near copies).
  {name: "hybrid − near copies", mode: "hybrid", tuning: {nearCopyShare: 0}},
  {name: "hybrid − language prior", mode: "hybrid", tuning: {languagePrior: 1}},
  // Passages in another language than the question weighed less (0.3 by default) or more.
  {name: "language-0.1", mode: "hybrid", tuning: {languagePrior: 0.1}},
  {name: "language-0.6", mode: "hybrid", tuning: {languagePrior: 0.6}},
  // The latent index's weight (0.8 by default), lower and higher.
  {name: "latent-0.4", mode: "hybrid", tuning: {latentWeight: 0.4}},
  {name: "latent-1.2", mode: "hybrid", tuning: {latentWeight: 1.2}},
  {name: "hybrid − cap", mode: "hybrid", tuning: {perDocumentCap: 0}},
  {name: "hybrid − repeat discount", mode: "hybrid", tuning: {repeatDecay: 1}},
  {name: "repeat-window-10", mode: "hybrid", tuning: {repeatWindow: 10}},
  {name: "repeat-window-25", mode: "hybrid", tuning: {repeatWindow: 25}},
  // Pseudo-relevance feedback, off by default: words of the leading word matches searched for too.
  {name: "feedback-10", mode: "hybrid", tuning: {feedbackTerms: 10}},
  {name: "feedback-10-w0.5", mode: "hybrid", tuning: {feedbackTerms: 10, feedbackWeight: 0.5}},
  {name: "feedback-20-p5", mode: "hybrid", tuning: {feedbackTerms: 20, feedbackPassages: 5}},
  // Term proximity, off by default: hybrid with the query's word pairs found together weighted in.
  {name: "proximity-0.2", mode: "hybrid", tuning: {proximityBoost: 0.2}},
  {name: "proximity-0.5", mode: "hybrid", tuning: {proximityBoost: 0.5}},
  {name: "proximity-0.5-w3", mode: "hybrid", tuning: {proximityBoost: 0.5, proximityWindow: 3}},
  {name: "proximity-1.0", mode: "hybrid", tuning: {proximityBoost: 1}},
  {name: "proximity-2.0-w3", mode: "hybrid", tuning: {proximityBoost: 2, proximityWindow: 3}},
];

/** Method names from a command line list: commas separate names, ", " belongs to one ("hybrid, previous"). */
export function methodsByName(list: string): EvalMethod[] {
  return list.split(/,(?! )/).map((name) => {
    const method = EVAL_METHODS.find((m) => m.name === name.trim());
    if (!method) throw new Error(`Unknown method "${name}"; known: ${EVAL_METHODS.map((m) => m.name).join(" | ")}`);
    return method;
  });
}
