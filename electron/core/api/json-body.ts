import type {FastifyInstance} from "fastify";
import {ApiError} from "./http-errors.js";
import {BODY_LIMITS} from "./request-limits.js";

export interface JsonShape {
  /** Deepest nesting of objects and arrays (0 for a bare string or number). */
  depth: number;
  /** Array items and object members counted so far (commas plus non-empty containers). */
  values: number;
  /** Which limit stopped the scan; null when the text is within both. */
  exceeded: "depth" | "values" | null;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COMMA = 44;

/**
 * Measures JSON text before it is parsed: one pass over the characters, strings skipped, no
 * recursion, stopping at the first limit passed. It does not check that the text is valid JSON
 * (the parser does that next); on broken text the figures are only approximate, never too small
 * for valid text.
 */
export function scanJsonShape(text: string, limits: {maxDepth: number; maxValues: number} = BODY_LIMITS): JsonShape {
  let depth = 0;
  let deepest = 0;
  let values = 0;
  let afterOpen = false;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Skip the string: the next quote not escaped by a backslash.
      index++;
      while (index < length) {
        const inner = text.charCodeAt(index);
        if (inner === BACKSLASH) index += 2;
        else if (inner === QUOTE) break;
        else index++;
      }
      if (afterOpen) {
        afterOpen = false;
        values++;
      }
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (afterOpen) values++;
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limits.maxDepth) return {depth: deepest, values, exceeded: "depth"};
      }
      afterOpen = true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
      afterOpen = false;
    } else if (code === COMMA) {
      values++;
    } else if (afterOpen && code > 32) {
      // The first member of a container: a number, true, false or null.
      afterOpen = false;
      values++;
    } else continue;
    if (values > limits.maxValues) return {depth: deepest, values, exceeded: "values"};
  }
  return {depth: deepest, values, exceeded: null};
}

/**
 * Replaces fastify's JSON parser with one that measures the text first (scanJsonShape), so a body
 * nested 100,000 deep or holding a million tiny values is refused with 400 before JSON.parse, the
 * validators or a route see it. Parsing itself is fastify's own (prototype-poisoning keys such as
 * `__proto__` are refused there). `bodyLimit` must be given: a parser added without one has none.
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number, limits: {maxDepth: number; maxValues: number} = BODY_LIMITS): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", {parseAs: "string", bodyLimit}, (request, body, done) => {
    const text = body as string;
    const shape = scanJsonShape(text, limits);
    if (shape.exceeded === "depth") return done(new ApiError(400, "INVALID_INPUT", `The JSON body is nested deeper than ${limits.maxDepth} levels; this server accepts at most ${limits.maxDepth}.`), undefined);
    if (shape.exceeded === "values")
      return done(new ApiError(400, "INVALID_INPUT", `The JSON body holds more than ${limits.maxValues} values (array items and object members); send less in one request.`), undefined);
    parse(request, text, done);
  });
}
