/**
 * The methods the retrieval evaluation compares: each search mode with the product's defaults, the
 * previous defaults, and hybrid with one ranking step switched off at a time.
 */
import type {EvalMethod} from "./evaluate.js";

/** The ranking before this evaluation existed: body-only BM25, confidence-weighted RRF, no document steps. */
const PREVIOUS = {contextBoost: 0, fusion: "confidence", fusionMethod: "rrf", documentEvidence: 0, repeatDecay: 1, perDocumentCap: 0, starterPrior: 1} as const;

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
  {name: "hybrid − diversification", mode: "hybrid", tuning: {repeatDecay: 1, perDocumentCap: 0}},
  {name: "hybrid − starter prior", mode: "hybrid", tuning: {starterPrior: 1}},
];
