import type {Tone} from "./Badge.js";

/** A labelled bar; `value` null draws an indeterminate bar for steps without a known length. */
export function ProgressBar({value, label, tone = "accent", size = "md"}: {value: number | null; label: string; tone?: Tone; size?: "sm" | "md"}) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress progress-${tone} progress-${size}${percent === null ? " progress-indeterminate" : ""}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
    >
      <div className="progress-fill" style={percent === null ? undefined : {width: `${percent}%`}} />
    </div>
  );
}
