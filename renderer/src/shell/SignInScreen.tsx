import {useState, type FormEvent} from "react";
import {Button} from "../ui/Button.js";
import {Field} from "../ui/Field.js";
import {Icon, LogoMark} from "../ui/Icon.js";

/**
 * Shown in a browser tab that has no API token yet. The server prints a link with the token when
 * it starts; the desktop app shows the token under Settings → HTTP API.
 */
export function SignInScreen({onSubmit, error}: {onSubmit: (token: string) => Promise<void>; error: string | null}) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [reveal, setReveal] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) return;
    setBusy(true);
    try {
      await onSubmit(token.trim());
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="center-screen">
      <form className="sign-in card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="sign-in-brand">
          <LogoMark size={40} />
          <div>
            <h1 id="sign-in-title">Connect to Deskside</h1>
            <p className="muted">Enter the API token of the Deskside app or server you want to use.</p>
          </div>
        </div>
        <Field
          label="API token"
          error={error}
          hint={
            <>
              The server prints a sign-in link with the token when it starts. In the desktop app you find it under
              Settings → HTTP API.
            </>
          }
        >
          {(control) => (
            <div className="input-with-button">
              <input
                {...control}
                type={reveal ? "text" : "password"}
                className="input mono"
                autoComplete="off"
                spellCheck={false}
                autoFocus
                value={token}
                onChange={(event) => setToken(event.target.value)}
                placeholder="Paste token"
              />
              <button type="button" className="input-addon" aria-label={reveal ? "Hide token" : "Show token"} onClick={() => setReveal(!reveal)}>
                <Icon name={reveal ? "eyeOff" : "eye"} />
              </button>
            </div>
          )}
        </Field>
        <Button type="submit" variant="primary" busy={busy} disabled={!token.trim()} className="btn-block">
          Connect
        </Button>
        <p className="sign-in-footnote muted">
          <Icon name="lock" size={12} /> The token is kept in this browser only.
        </p>
      </form>
    </div>
  );
}
