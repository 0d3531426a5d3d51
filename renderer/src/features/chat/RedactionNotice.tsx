import type {RedactionFinding} from "../../../../shared/chat.js";
import {Icon} from "../../ui/Icon.js";

/** Says what was masked before the text reached the model, so nobody wonders where it went. */
export function RedactionNotice({findings}: {findings: RedactionFinding[]}) {
  if (findings.length === 0) return null;
  return (
    <div className="redaction-notice" role="note">
      <Icon name="shield" size={14} />
      <span>
        {findings.length === 1 ? "1 item was" : `${findings.length} items were`} masked before reaching the model:{" "}
        {findings.map((finding, index) => (
          <span key={index} className="redaction-item">
            {finding.kind} <code>{finding.preview}</code>
            {index < findings.length - 1 ? ", " : ""}
          </span>
        ))}
      </span>
    </div>
  );
}
