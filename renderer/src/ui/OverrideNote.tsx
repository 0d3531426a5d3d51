import {Icon} from "./Icon.js";

const TEXT = "Set by the server's environment for this run";

/** Marks a value fixed by a command-line flag or DESKSIDE_* variable for this run. */
export function OverrideNote() {
  return (
    <span className="override-note" title={`${TEXT}; change it where Deskside is started.`}>
      <Icon name="lock" size={12} />
      <span className="override-note-text">{TEXT}</span>
    </span>
  );
}
