import {Dialog} from "../ui/Dialog.js";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? "⌘" : "Ctrl";

/** Every keyboard shortcut the app has, in one place; `?` opens it from anywhere but a text field. */
export const SHORTCUTS: {keys: string[]; what: string}[] = [
  {keys: [MOD, "K"], what: "New chat (from any panel)"},
  {keys: ["Enter"], what: "Send the message"},
  {keys: ["Shift", "Enter"], what: "New line in the message"},
  {keys: ["Esc"], what: "Close the source preview or conversation list, else stop the answer being written"},
  {keys: ["Tab"], what: "Move between controls; citations and sources are buttons"},
  {keys: ["?"], what: "This list"},
];

export function ShortcutsDialog({onClose}: {onClose: () => void}) {
  return (
    <Dialog title="Keyboard shortcuts" size="sm" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.what}>
              <td className="shortcut-keys">
                {shortcut.keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 && " + "}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

/** Whether a key press belongs to a text field (where "?" is just a character). */
export function typingInto(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || typeof element.tagName !== "string") return false;
  return element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
}
