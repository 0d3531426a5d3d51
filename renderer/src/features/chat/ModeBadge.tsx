import type {AnswerMode} from "../../../../shared/chat.js";
import {Badge, type Tone} from "../../ui/Badge.js";
import type {IconName} from "../../ui/Icon.js";

const MODES: Record<AnswerMode, {label: string; tone: Tone; icon: IconName; title: string}> = {
  grounded: {label: "Grounded", tone: "success", icon: "book", title: "Written from the knowledge-base excerpts cited below."},
  uncited: {label: "Not grounded — no sources cited", tone: "warning", icon: "warning", title: "The model was given the knowledge-base excerpts below but cites none of them; check the answer against them before acting on it."},
  "retrieval-only": {label: "Excerpts only", tone: "info", icon: "file", title: "No language model is loaded: these are the most relevant knowledge-base passages."},
  "no-answer": {label: "Not in knowledge base", tone: "warning", icon: "info", title: "The knowledge base has nothing relevant enough to answer from."},
  general: {label: "General knowledge · not from the knowledge base", tone: "warning", icon: "warning", title: "The model answered from its own training; verify before acting on it."},
};

export function ModeBadge({mode}: {mode: AnswerMode}) {
  const spec = MODES[mode];
  return (
    <Badge tone={spec.tone} icon={spec.icon} title={spec.title}>
      {spec.label}
    </Badge>
  );
}
