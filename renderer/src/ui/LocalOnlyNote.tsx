import {Icon} from "./Icon.js";

const TEXT = "Only on the computer running Deskside";

/** Marks a setting a browser may not change: it decides who can reach Deskside (see README, Security). */
export function LocalOnlyNote() {
  return (
    <span className="override-note" title={`${TEXT}: change it in the desktop app, in settings.json in the data folder, or where the server is started.`}>
      <Icon name="lock" size={12} />
      <span className="override-note-text">{TEXT}</span>
    </span>
  );
}
