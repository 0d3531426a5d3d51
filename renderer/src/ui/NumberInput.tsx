import {useEffect, useState, type InputHTMLAttributes} from "react";

/**
 * A whole-number input that lets the user type freely: values in range are reported as they are
 * typed, anything else is pulled into range when the field loses focus.
 */
export function NumberInput({
  value,
  onChange,
  min,
  max,
  className = "input input-number",
  ...rest
}: {value: number; onChange: (value: number) => void; min: number; max: number} & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "min" | "max" | "type">) {
  const [text, setText] = useState(String(value));

  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== "" ? current : String(value)));
  }, [value]);

  function settle() {
    const parsed = Math.round(Number(text));
    const next = text.trim() === "" || !Number.isFinite(parsed) ? value : Math.min(max, Math.max(min, parsed));
    setText(String(next));
    if (next !== value) onChange(next);
  }

  return (
    <input
      {...rest}
      className={className}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        const parsed = Number(event.target.value);
        if (event.target.value.trim() !== "" && Number.isInteger(parsed) && parsed >= min && parsed <= max) onChange(parsed);
      }}
      onBlur={settle}
    />
  );
}
