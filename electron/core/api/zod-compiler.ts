import type {FastifySchemaCompiler, FastifySerializerCompiler} from "fastify";
import {z} from "zod";
import {RequestValidationError} from "./http-errors.js";

function describeIssues(issues: z.core.$ZodIssue[], part: string, data: unknown): {message: string; param: string | null} {
  if (part === "body" && (data === null || data === undefined)) return {message: "A JSON body is required.", param: null};
  const first = issues[0];
  const where = (issue: z.core.$ZodIssue) => issue.path.map(String).join(".") || part;
  const message = issues
    .slice(0, 5)
    .map((issue) => `${where(issue)}: ${issue.message}`)
    .join("; ");
  return {message: `Invalid ${part}: ${message}`, param: first && first.path.length ? first.path.map(String).join(".") : null};
}

/** Request parts are validated by their zod schema; non-zod schemas (plugins' own) pass through. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({schema, httpPart}) => {
  if (!(schema instanceof z.ZodType)) return (data: unknown) => ({value: data});
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return {value: result.data};
    const {message, param} = describeIssues(result.error.issues, httpPart ?? "input", data);
    return {error: new RequestValidationError(message, param)};
  };
};

/** Response schemas exist for documentation; replies are plain JSON. */
export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {io, unrepresentable: "any", target: "draft-2020-12"}) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function convert(value: unknown, io: "input" | "output"): unknown {
  return value instanceof z.ZodType ? toJsonSchema(value, io) : value;
}

/** Docs-only request bodies (multipart forms, RPC inputs the dispatcher validates itself). */
export interface OpenApiRouteConfig {
  body?: z.ZodType | Record<string, unknown>;
  consumes?: string[];
}

/** @fastify/swagger's transform: zod schemas (and docs-only bodies from route config) → JSON Schema. */
export function zodSwaggerTransform({schema, url, route}: {schema: unknown; url: string; route: {config?: unknown}}): {schema: Record<string, unknown>; url: string} {
  const source = (schema ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {...source};
  for (const part of ["body", "querystring", "params", "headers"]) if (source[part] !== undefined) out[part] = convert(source[part], "input");
  if (source.response && typeof source.response === "object")
    out.response = Object.fromEntries(Object.entries(source.response as Record<string, unknown>).map(([code, s]) => [code, convert(s, "output")]));
  const docs = (route.config as {openapi?: OpenApiRouteConfig} | undefined)?.openapi;
  if (docs?.body) out.body = convert(docs.body, "input");
  if (docs?.consumes) out.consumes = docs.consumes;
  return {schema: out, url};
}
