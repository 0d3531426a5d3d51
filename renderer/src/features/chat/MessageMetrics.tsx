import type {AnswerMetrics} from "../../../../shared/chat.js";
import {formatMs} from "../../ui/format.js";

/** Time to first token and decode speed: what technicians compare between models and GPUs. */
export function MessageMetrics({metrics}: {metrics: AnswerMetrics | null}) {
  const timings = metrics?.timings;
  if (!timings) return null;
  const parts: {label: string; value: string}[] = [];
  if (timings.timeToFirstTokenMs !== null) parts.push({label: "First token", value: formatMs(timings.timeToFirstTokenMs)});
  if (timings.tokensPerSecond !== null) parts.push({label: "Speed", value: `${timings.tokensPerSecond.toFixed(1)} tok/s`});
  if (metrics?.usage) parts.push({label: "Tokens", value: String(metrics.usage.completionTokens)});
  if (parts.length === 0) return null;
  return (
    <dl className="metrics" aria-label="Generation metrics">
      {parts.map((part) => (
        <div key={part.label} className="metric">
          <dt>{part.label}</dt>
          <dd>{part.value}</dd>
        </div>
      ))}
    </dl>
  );
}
