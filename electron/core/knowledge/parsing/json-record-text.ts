/**
 * Turns one exported FAQ entry or ticket into readable text. Exports name their fields in many ways
 * (question/answer, q/a, title/body, subject/description, summary/resolution, name/content), often
 * one level down (Jira's "fields"); the recognised pair leads, the remaining text fields follow.
 */

const QUESTION_KEYS = ["question", "q"];
const ANSWER_KEYS = ["answer", "a"];
const TITLE_KEYS = ["title", "subject", "summary", "name", "headline"];
const BODY_KEYS = ["body", "description", "resolution", "content", "text", "solution", "details", "answer"];

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

interface Field {
  key: string;
  value: string;
}

export function recordText(value: unknown): string {
  const json = value as Json;
  if (json === null || typeof json !== "object") return scalarText(json) ?? "";
  if (Array.isArray(json)) return json.map((item) => recordText(item)).filter((text) => text).join("\n\n");

  const fields = collectFields(json);
  const used = new Set<Field>();
  const take = (keys: string[]): Field | undefined => {
    for (const key of keys) {
      const field = fields.find((f) => !used.has(f) && f.key.split(".").pop()!.toLowerCase() === key);
      if (field) {
        used.add(field);
        return field;
      }
    }
    return undefined;
  };

  const lines: string[] = [];
  const question = take(QUESTION_KEYS);
  const answer = question ? take(ANSWER_KEYS) : undefined;
  if (question && answer) {
    lines.push(`Question: ${question.value}`, `Answer: ${answer.value}`);
  } else {
    if (question) used.delete(question);
    const title = take(TITLE_KEYS);
    const bodies: Field[] = [];
    for (let body = take(BODY_KEYS); body; body = take(BODY_KEYS)) bodies.push(body);
    if (title && bodies.length > 0) {
      lines.push(`Title: ${title.value}`);
      if (bodies.length === 1) lines.push(bodies[0].value);
      else for (const body of bodies) lines.push(`${label(body.key)}: ${body.value}`);
    } else {
      used.clear();
    }
  }
  for (const field of fields) if (!used.has(field)) lines.push(`${label(field.key)}: ${field.value}`);
  return lines.join("\n");
}

/** Text fields of the object and of objects directly inside it, in document order. */
function collectFields(object: JsonObject): Field[] {
  const own: Field[] = [];
  const nested: Field[] = [];
  for (const [key, value] of Object.entries(object)) {
    const text = scalarText(value);
    if (text !== null) {
      own.push({key, value: text});
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [innerKey, innerValue] of Object.entries(value)) {
        const innerText = scalarText(innerValue);
        if (innerText !== null) nested.push({key: `${key}.${innerKey}`, value: innerText});
      }
    }
  }
  // Fields of the record itself win over same-named fields one level down.
  return [...own, ...nested];
}

/** Strings, numbers and lists of them; small objects such as {"name": "Fixed"} read as their name. */
function scalarText(value: Json | undefined): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((item) => (item !== null && typeof item === "object" && !Array.isArray(item) ? namedValue(item) : scalarText(item)));
    if (parts.length === 0 || parts.some((part) => part === null)) return null;
    return parts.join(", ") || null;
  }
  if (value && typeof value === "object") return namedValue(value);
  return null;
}

function namedValue(object: JsonObject): string | null {
  const keys = Object.keys(object);
  for (const key of ["name", "value", "displayName", "label"]) {
    if (typeof object[key] === "string" && keys.length <= 4) return (object[key] as string).trim() || null;
  }
  return null;
}

/** "fields.priority" reads as "Priority"; the key's own spelling is kept otherwise. */
function label(key: string): string {
  const last = key.split(".").pop() ?? key;
  return last.charAt(0).toUpperCase() + last.slice(1);
}
