import type {TicketDraft} from "../../../../shared/chat.js";

/** Plain text that pastes cleanly into any ticketing system's description field. */
export function ticketAsText(ticket: TicketDraft): string {
  const list = (items: string[]) => (items.length ? items.map((item) => `- ${item}`).join("\n") : "- (none)");
  return [
    `Title: ${ticket.title}`,
    `Category: ${ticket.category}`,
    `Priority: ${ticket.priority}`,
    `Affected system: ${ticket.affectedSystem || "(not stated)"}`,
    "",
    "Symptoms:",
    list(ticket.symptoms),
    "",
    "Steps tried:",
    list(ticket.stepsTried),
    "",
    "Resolution:",
    ticket.resolution || "(unresolved)",
  ].join("\n");
}

export function ticketFileName(ticket: TicketDraft): string {
  const slug = ticket.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  return `ticket-${slug || "draft"}.json`;
}

export function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/^\s*[-*•]\s*/, "").trim())
    .filter(Boolean);
}
