import {useState} from "react";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {localOnlySettings, useApiToken} from "../../state/server-access.js";
import {isOverridden, useSettings} from "../../state/settings.js";
import {Button, IconButton} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Field} from "../../ui/Field.js";
import {LocalOnlyNote} from "../../ui/LocalOnlyNote.js";
import {OverrideNote} from "../../ui/OverrideNote.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";

const HOW_TO_SEND = "Clients send it as Authorization: Bearer <token>.";

/**
 * The API token: shown and copied from the desktop app (which asks the core for it) or, in a browser,
 * the one this tab signed in with. Only the desktop app may issue a new one.
 */
export function ApiTokenField() {
  const client = useClient();
  const {regenerateToken, view} = useSettings();
  const token = useApiToken();
  // A token fixed by DESKSIDE_API_TOKEN or --api-token cannot be replaced from here; nor from a browser.
  const fixed = isOverridden(view, "api.token");
  const remote = localOnlySettings(client).includes("api.token");
  const {notify} = useToast();
  const [confirm, dialog] = useConfirm();
  const [visible, setVisible] = useState(false);

  async function regenerate() {
    const ok = await confirm({
      title: "Regenerate the API token?",
      message: "Scripts, ticketing integrations and browser tabs using the current token stop working until you give them the new one.",
      confirmLabel: "Regenerate",
      danger: true,
    });
    if (!ok) return;
    try {
      await regenerateToken();
      notify("New API token issued.", {tone: "success"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  const note = fixed ? <OverrideNote /> : remote ? <LocalOnlyNote /> : null;
  return (
    <Field
      label="API token"
      hint={
        note ? (
          <>
            {note}
            <span>{HOW_TO_SEND}</span>
          </>
        ) : (
          HOW_TO_SEND
        )
      }
    >
      {(control) => (
        <div className="input-row">
          <input
            {...control}
            className="input mono"
            readOnly
            type={visible && token ? "text" : "password"}
            value={token ?? (view?.secrets?.["api.token"]?.set ? "••••••••••••" : "")}
          />
          {token && (
            <>
              <IconButton icon={visible ? "eyeOff" : "eye"} label={visible ? "Hide token" : "Show token"} variant="secondary" onClick={() => setVisible(!visible)} />
              <CopyButton text={token} label="Copy token" iconOnly size="md" variant="secondary" />
            </>
          )}
          <Button
            icon="regenerate"
            disabled={fixed || remote}
            title={fixed ? "Fixed for this run; change it where the server is started." : remote ? "Only on the computer running Deskside." : undefined}
            onClick={() => void regenerate()}
          >
            Regenerate
          </Button>
          {dialog}
        </div>
      )}
    </Field>
  );
}
