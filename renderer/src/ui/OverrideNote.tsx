import {Icon} from "./Icon.js";

/** Marks a value fixed by a command-line flag or DESKSIDE_* variable for this run. */
export function OverrideNote() {
  return (
    <span className="override-note">
      <Icon name="lock" size={12} />
      Set by the server's environment for this run
    </span>
  );
}
