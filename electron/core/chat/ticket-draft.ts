import {TICKET_CATEGORIES, TICKET_PRIORITIES, type StoredMessage, type TicketDraft} from "../../../shared/chat.js";

/** Bounded lengths keep constrained generation short and always closed, so it always parses. */
export const TICKET_SCHEMA = {
  type: "object",
  properties: {
    title: {type: "string", maxLength: 100},
    category: {enum: [...TICKET_CATEGORIES]},
    priority: {enum: [...TICKET_PRIORITIES]},
    affectedSystem: {type: "string", maxLength: 80},
    symptoms: {type: "array", items: {type: "string", maxLength: 160}, maxItems: 5},
    stepsTried: {type: "array", items: {type: "string", maxLength: 160}, maxItems: 6},
    resolution: {type: "string", maxLength: 400},
  },
  required: ["title", "category", "priority", "affectedSystem", "symptoms", "stepsTried", "resolution"],
} as const;

export function ticketPrompt(transcript: string): string {
  return [
    "Write a help-desk ticket for the conversation below as JSON.",
    "title: a short summary; category and priority from the allowed values; affectedSystem: the device, app or service;",
    "symptoms: what the user reports; stepsTried: steps already taken; resolution: the fix, or the next steps if unresolved.",
    "",
    transcript,
  ].join("\n");
}

export function transcriptOf(messages: StoredMessage[], maxChars = 6000): string {
  const text = messages.map((m) => `${m.role === "user" ? "User" : "Assistant"}: ${m.content}`).join("\n\n");
  return text.length > maxChars ? text.slice(text.length - maxChars) : text;
}

/** Coerces whatever the model produced into a complete ticket (fields it left empty get defaults). */
export function normalizeTicket(raw: unknown, messages: StoredMessage[]): TicketDraft {
  const fallback = ticketFromConversation(messages);
  const value = (raw && typeof raw === "object" ? raw : {}) as Partial<Record<keyof TicketDraft, unknown>>;
  const str = (v: unknown, d: string) => (typeof v === "string" && v.trim() ? v.trim() : d);
  const list = (v: unknown, d: string[]) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s.trim() !== "").map((s) => s.trim()) : d);
  return {
    title: str(value.title, fallback.title),
    category: (TICKET_CATEGORIES as readonly string[]).includes(value.category as string) ? (value.category as TicketDraft["category"]) : fallback.category,
    priority: (TICKET_PRIORITIES as readonly string[]).includes(value.priority as string) ? (value.priority as TicketDraft["priority"]) : fallback.priority,
    affectedSystem: str(value.affectedSystem, fallback.affectedSystem),
    symptoms: list(value.symptoms, fallback.symptoms),
    stepsTried: list(value.stepsTried, fallback.stepsTried),
    resolution: str(value.resolution, fallback.resolution),
  };
}

const CATEGORY_WORDS: [TicketDraft["category"], RegExp][] = [
  ["security", /phish|malware|virus|breach|suspicious/i],
  ["account", /password|login|locked|mfa|sign[- ]?in|account/i],
  ["email", /outlook|mail|inbox|mailbox/i],
  ["printing", /print/i],
  ["network", /vpn|wi-?fi|network|dns|internet|ethernet/i],
  ["hardware", /monitor|dock|laptop|battery|keyboard|mouse|bluetooth|boot/i],
  ["software", /install|update|app|teams|browser|excel|word/i],
];

/** A ticket built from the conversation alone, used when no model is available. */
export function ticketFromConversation(messages: StoredMessage[]): TicketDraft {
  const user = messages.filter((m) => m.role === "user").map((m) => m.content.trim());
  const assistant = messages.filter((m) => m.role === "assistant" && m.status !== "error").map((m) => m.content.trim());
  const first = user[0] ?? "Help-desk request";
  const all = user.join(" ");
  return {
    title: first.split(/[.\n?!]/)[0].slice(0, 100) || "Help-desk request",
    category: CATEGORY_WORDS.find(([, re]) => re.test(all))?.[0] ?? "other",
    priority: /urgent|asap|down for everyone|cannot work|can't work|outage/i.test(all) ? "high" : "medium",
    affectedSystem: CATEGORY_WORDS.find(([, re]) => re.test(all))?.[1].exec(all)?.[0] ?? "unspecified",
    symptoms: user.slice(0, 5).map((s) => s.slice(0, 160)),
    stepsTried: [],
    resolution: (assistant.at(-1) ?? "Not resolved yet; needs investigation.").slice(0, 400),
  };
}

export function ticketAsText(ticket: TicketDraft): string {
  return [
    `Title: ${ticket.title}`,
    `Category: ${ticket.category}    Priority: ${ticket.priority}`,
    `Affected system: ${ticket.affectedSystem}`,
    "",
    "Symptoms:",
    ...ticket.symptoms.map((s) => `- ${s}`),
    "",
    "Steps already tried:",
    ...(ticket.stepsTried.length ? ticket.stepsTried.map((s) => `- ${s}`) : ["- none recorded"]),
    "",
    `Resolution / next steps: ${ticket.resolution}`,
  ].join("\n");
}
