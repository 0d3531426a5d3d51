import {useState} from "react";
import {errorMessage} from "../../client/rpc-error.js";
import {isOverridden, useSettings} from "../../state/settings.js";
import {Button, IconButton} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Field} from "../../ui/Field.js";
import {OverrideNote} from "../../ui/OverrideNote.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";

export function ApiTokenField({token}: {token: string}) {
  const {regenerateToken, view} = useSettings();
  // A token fixed by DESKSIDE_API_TOKEN or --api-token cannot be replaced from here.
  const locked = isOverridden(view, "api.token");
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

  return (
    <Field
      label="API token"
      hint={
        locked ? (
          <>
            <OverrideNote />
            <span>Clients send it as Authorization: Bearer &lt;token&gt;.</span>
          </>
        ) : (
          "Clients send it as Authorization: Bearer <token>."
        )
      }
    >
      {(control) => (
        <div className="input-row">
          <input {...control} className="input mono" readOnly type={visible ? "text" : "password"} value={token} />
          <IconButton icon={visible ? "eyeOff" : "eye"} label={visible ? "Hide token" : "Show token"} variant="secondary" onClick={() => setVisible(!visible)} />
          <CopyButton text={token} label="Copy token" iconOnly size="md" variant="secondary" />
          <Button icon="regenerate" disabled={locked} title={locked ? "Fixed for this run; change it where the server is started." : undefined} onClick={() => void regenerate()}>
            Regenerate
          </Button>
          {dialog}
        </div>
      )}
    </Field>
  );
}
