import {useId, type ReactNode} from "react";

/**
 * A label, one control, an optional hint and an inline error. The control gets its id and
 * description through the render function so screen readers announce all three together.
 */
export function Field({
  label,
  hint,
  error,
  children,
  inline = false,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  inline?: boolean;
  children: (control: {id: string; "aria-describedby"?: string; "aria-invalid"?: boolean}) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${inline ? " field-inline" : ""}${error ? " field-has-error" : ""}`}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="field-control">{children({id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined})}</div>
      {hint && (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={errorId} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
