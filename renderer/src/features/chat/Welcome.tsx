import {LogoMark} from "../../ui/Icon.js";

const SUGGESTIONS = [
  "VPN fails with error 809 on home Wi-Fi",
  "User got a new phone and needs MFA reset",
  "Outlook is stuck in the outbox",
  "The print queue is stuck and won't clear",
];

export function Welcome({onPick}: {onPick: (text: string) => void}) {
  return (
    <div className="welcome">
      <LogoMark size={48} />
      <h1>What are you working on?</h1>
      <p className="muted">Answers come from your team's knowledge base, with numbered sources you can check. Everything runs on this machine.</p>
      <div className="suggestions" role="group" aria-label="Example questions">
        {SUGGESTIONS.map((text) => (
          <button key={text} type="button" className="suggestion" onClick={() => onPick(text)}>
            {text}
          </button>
        ))}
      </div>
    </div>
  );
}
