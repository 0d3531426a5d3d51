import {useEffect, useRef, useState, type ReactNode} from "react";
import type {SecretSetting as SecretPath} from "../../../../shared/settings.js";
import {Button} from "../../ui/Button.js";
import {Field} from "../../ui/Field.js";
import {LocalOnlyNote} from "../../ui/LocalOnlyNote.js";
import {OverrideNote} from "../../ui/OverrideNote.js";
import {SegmentedControl, type Segment} from "../../ui/SegmentedControl.js";
import {Switch} from "../../ui/Switch.js";
import {readSetting, useSettingsForm, type SettingPath} from "./settings-form.js";

const TYPING_DELAY_MS = 700;

/**
 * A draft that follows the stored value until the user types, is sent after a pause or on blur,
 * and follows the stored value again once accepted.
 */
function useDraft<T>(path: SettingPath, format: (value: unknown) => string, parse: (text: string) => {value: T} | {error: string}) {
  const {settings, errors, commit, setError} = useSettingsForm();
  const stored = readSetting(settings, path);
  const [draft, setDraft] = useState(() => format(stored));
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (!dirty.current) setDraft(format(stored));
  }, [stored, format]);

  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);

  async function flush(text: string) {
    clearTimeout(timer.current ?? undefined);
    if (!dirty.current) return;
    const parsed = parse(text);
    if ("error" in parsed) {
      setError(path, parsed.error);
      return;
    }
    if (await commit(path, parsed.value)) dirty.current = false;
  }

  function change(text: string) {
    dirty.current = true;
    setDraft(text);
    clearTimeout(timer.current ?? undefined);
    timer.current = setTimeout(() => void flush(text), TYPING_DELAY_MS);
  }

  return {draft, change, flush: () => flush(draft), error: errors[path] ?? null};
}

const asText = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/**
 * A setting fixed for this run by a flag or environment variable, or one this client may not change
 * (from a browser, who can reach Deskside): its control is disabled and the hint says why. An edit
 * would be stored but not used until the override goes, or refused, which only confuses.
 */
export function useLock(path: SettingPath, hint: ReactNode): {locked: boolean; hint: ReactNode} {
  const {overridden, localOnly} = useSettingsForm();
  const fixed = overridden.includes(path);
  const remote = localOnly.includes(path);
  if (!fixed && !remote) return {locked: false, hint};
  return {
    locked: true,
    hint: (
      <>
        {fixed ? <OverrideNote /> : <LocalOnlyNote />}
        {hint ? <span>{hint}</span> : null}
      </>
    ),
  };
}

export function NumberSetting({path, label, hint, min, max, step = 1, integer = false, unit}: {path: SettingPath; label: string; hint?: ReactNode; min?: number; max?: number; step?: number; integer?: boolean; unit?: string}) {
  const {draft, change, flush, error} = useDraft<number>(path, asText, (text) => {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) return {error: "Enter a number."};
    if (integer && !Number.isInteger(value)) return {error: "Enter a whole number."};
    return {value};
  });
  const lock = useLock(path, hint);
  // The unit sits inside the box so every number input in a section shares one right edge.
  return (
    <Field label={label} hint={lock.hint} error={error} inline>
      {(control) => (
        <div className={unit ? "input-unit has-unit" : "input-unit"}>
          <input {...control} className="input input-number" type="number" inputMode="decimal" min={min} max={max} step={step} value={draft} disabled={lock.locked} onChange={(event) => change(event.target.value)} onBlur={() => void flush()} />
          {unit && <span className="unit">{unit}</span>}
        </div>
      )}
    </Field>
  );
}

export function TextSetting({
  path,
  label,
  hint,
  placeholder,
  type = "text",
  mono = false,
  nullable = false,
  trailing,
}: {
  path: SettingPath;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
  type?: "text" | "password" | "url";
  mono?: boolean;
  nullable?: boolean;
  trailing?: ReactNode;
}) {
  const {draft, change, flush, error} = useDraft<string | null>(path, asText, (text) => ({value: nullable && !text.trim() ? null : text.trim()}));
  const lock = useLock(path, hint);
  return (
    <Field label={label} hint={lock.hint} error={error}>
      {(control) => (
        <div className="input-row">
          <input {...control} className={`input${mono ? " mono" : ""}`} type={type} placeholder={placeholder} spellCheck={false} autoComplete="off" value={draft} disabled={lock.locked} onChange={(event) => change(event.target.value)} onBlur={() => void flush()} />
          {trailing}
        </div>
      )}
    </Field>
  );
}

const linesFormat = (value: unknown) => (Array.isArray(value) ? value.join("\n") : "");

export function ListSetting({path, label, hint, placeholder}: {path: SettingPath; label: string; hint?: ReactNode; placeholder?: string}) {
  const {draft, change, flush, error} = useDraft<string[]>(path, linesFormat, (text) => ({
    value: text
      .split(/[\n,]/)
      .map((line) => line.trim())
      .filter(Boolean),
  }));
  const lock = useLock(path, hint);
  return (
    <Field label={label} hint={lock.hint} error={error}>
      {(control) => <textarea {...control} className="input textarea mono" rows={3} placeholder={placeholder} value={draft} disabled={lock.locked} onChange={(event) => change(event.target.value)} onBlur={() => void flush()} />}
    </Field>
  );
}

export function TextAreaSetting({path, label, hint, rows = 8}: {path: SettingPath; label: string; hint?: ReactNode; rows?: number}) {
  const {draft, change, flush, error} = useDraft<string>(path, asText, (text) => ({value: text}));
  const lock = useLock(path, hint);
  return (
    <Field label={label} hint={lock.hint} error={error}>
      {(control) => <textarea {...control} className="input textarea" rows={rows} value={draft} disabled={lock.locked} onChange={(event) => change(event.target.value)} onBlur={() => void flush()} />}
    </Field>
  );
}

export function SelectSetting<T extends string>({path, label, hint, options}: {path: SettingPath; label: string; hint?: ReactNode; options: {value: T; label: string}[]}) {
  const {settings, errors, commit} = useSettingsForm();
  const value = String(readSetting(settings, path));
  const lock = useLock(path, hint);
  return (
    <Field label={label} hint={lock.hint} error={errors[path]} inline>
      {(control) => (
        <select {...control} className="input select" value={value} disabled={lock.locked} onChange={(event) => void commit(path, event.target.value)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function SegmentedSetting<T extends string>({path, label, hint, options}: {path: SettingPath; label: string; hint?: ReactNode; options: Segment<T>[]}) {
  const {settings, errors, commit} = useSettingsForm();
  const error = errors[path];
  const lock = useLock(path, hint);
  return (
    <div className={`field field-inline${error ? " field-has-error" : ""}`}>
      <span className="field-label">{label}</span>
      <div className="field-control">
        <SegmentedControl label={label} value={readSetting(settings, path) as T} options={options} disabled={lock.locked} onChange={(value) => void commit(path, value)} />
      </div>
      {lock.hint && <div className="field-hint">{lock.hint}</div>}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export function ToggleSetting({path, label, hint, onBeforeChange}: {path: SettingPath; label: string; hint?: ReactNode; onBeforeChange?: (next: boolean) => Promise<boolean>}) {
  const {settings, errors, commit} = useSettingsForm();
  const checked = Boolean(readSetting(settings, path));
  const lock = useLock(path, hint);
  return (
    <Field label={label} hint={lock.hint} error={errors[path]} inline>
      {(control) => (
        <Switch
          id={control.id}
          describedBy={control["aria-describedby"]}
          checked={checked}
          disabled={lock.locked}
          onChange={async (next) => {
            if (onBeforeChange && !(await onBeforeChange(next))) return;
            void commit(path, next);
          }}
        />
      )}
    </Field>
  );
}

/**
 * A write-only setting such as a key: the UI only learns whether it is set. "Change" opens an empty
 * field for a new value (Enter or Save sends it), "Clear" removes it.
 */
export function SecretSetting({path, label, hint}: {path: SecretPath; label: string; hint?: ReactNode}) {
  const {secrets, errors, commit} = useSettingsForm();
  const isSet = secrets[path]?.set ?? false;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const lock = useLock(path, hint);

  async function send(value: string) {
    setBusy(true);
    const accepted = await commit(path, value);
    setBusy(false);
    if (!accepted) return;
    setEditing(false);
    setDraft("");
  }

  function cancel() {
    setEditing(false);
    setDraft("");
  }

  return (
    <Field label={label} hint={lock.hint} error={errors[path]}>
      {(control) =>
        editing ? (
          <div className="input-row">
            <input
              {...control}
              className="input mono"
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              placeholder={isSet ? "New value" : undefined}
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter" && draft.trim()) void send(draft.trim());
                if (event.key === "Escape") cancel();
              }}
            />
            <Button variant="primary" busy={busy} disabled={!draft.trim()} onClick={() => void send(draft.trim())}>
              Save
            </Button>
            <Button onClick={cancel}>Cancel</Button>
          </div>
        ) : (
          <div className="input-row">
            <output {...control} className="secret-state">
              {isSet ? "Set" : "Not set"}
            </output>
            <Button disabled={lock.locked} onClick={() => setEditing(true)}>
              {isSet ? "Change" : "Set"}
            </Button>
            {isSet && (
              <Button variant="ghost" busy={busy} disabled={lock.locked} onClick={() => void send("")}>
                Clear
              </Button>
            )}
          </div>
        )
      }
    </Field>
  );
}
