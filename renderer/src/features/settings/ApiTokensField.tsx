import {useId, useState, type FormEvent} from "react";
import type {ApiScope, ApiTokenInfo, CreatedApiToken} from "../../../../shared/api-tokens.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {localOnlySettings} from "../../state/server-access.js";
import {Badge} from "../../ui/Badge.js";
import {Button, IconButton} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Dialog} from "../../ui/Dialog.js";
import {Field} from "../../ui/Field.js";
import {formatDate, formatRelative} from "../../ui/format.js";
import {LocalOnlyNote} from "../../ui/LocalOnlyNote.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";

const SCOPES: {value: ApiScope; label: string; hint: string}[] = [
  {value: "ask", label: "Ask", hint: "Chat, search, its own conversations and the model list."},
  {value: "admin", label: "Admin", hint: "Everything, including imports, deletes, settings and models."},
];

/**
 * Named API tokens, one per person or tool sharing this server. The desktop app creates and revokes
 * them (a new token's value is shown once, here); a browser tab lists them, since they are managed
 * only on the computer running Deskside.
 */
export function ApiTokensField() {
  const client = useClient();
  const {data: tokens, error, reload} = useRpcQuery("apiTokens.list");
  // Tokens live in the settings: a change anywhere (another window, npm run tokens) arrives as settings.changed.
  useEvent("settings.changed", () => void reload());
  const remote = localOnlySettings(client).includes("api.tokens");
  const {notify} = useToast();
  const [confirm, confirmDialog] = useConfirm();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const labelId = useId();

  async function revoke(token: ApiTokenInfo) {
    const ok = await confirm({
      title: `Revoke "${token.name}"?`,
      message: "Every request with this token is refused from now on. Its conversations stay stored but no other token can open them.",
      confirmLabel: "Revoke token",
      danger: true,
    });
    if (!ok) return;
    try {
      await client.invoke("apiTokens.revoke", {name: token.id});
      notify(`Token "${token.name}" revoked.`, {tone: "success"});
      await reload();
    } catch (failure) {
      notify(errorMessage(failure), {tone: "error"});
    }
  }

  return (
    <div className="field" role="group" aria-labelledby={labelId}>
      <span id={labelId} className="field-label">
        Named tokens
      </span>
      <div className="field-hint">
        {remote ? <LocalOnlyNote /> : null}
        <span>One per person or tool: each has its own conversations, rate limit and line in /metrics. The main token above stays the owner's.</span>
      </div>
      <div className="api-tokens">
        {error ? (
          <p className="api-tokens-empty muted">{errorMessage(error)}</p>
        ) : tokens && tokens.length > 0 ? (
          <div className="table-wrap">
            <table className="table api-tokens-table" aria-label="Named API tokens">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Scope</th>
                  <th className="num">Requests / min</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th className="row-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => (
                  <tr key={token.id}>
                    <td className="mono">{token.name}</td>
                    <td>
                      <Badge tone={token.scope === "admin" ? "warning" : "neutral"}>{token.scope === "admin" ? "Admin" : "Ask"}</Badge>
                    </td>
                    <td className="num">{token.rateLimitPerMinute ?? "Default"}</td>
                    <td className="nowrap" title={formatDate(token.createdAt)}>
                      {new Date(token.createdAt).toLocaleDateString(undefined, {year: "numeric", month: "short", day: "numeric"})}
                    </td>
                    <td className="nowrap" title={token.lastUsedAt ? formatDate(token.lastUsedAt) : undefined}>
                      {token.lastUsedAt ? formatRelative(token.lastUsedAt) : <span className="muted">Never</span>}
                    </td>
                    <td className="row-actions">
                      <IconButton icon="trash" size="sm" label={`Revoke ${token.name}`} disabled={remote} onClick={() => void revoke(token)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : tokens ? (
          <p className="api-tokens-empty muted">No named tokens yet: everyone uses the main token and shares one history.</p>
        ) : null}
        <div>
          <Button icon="plus" size="sm" disabled={remote} title={remote ? "Only on the computer running Deskside (or npm run tokens there)." : undefined} onClick={() => setCreating(true)}>
            New token…
          </Button>
        </div>
        {creating && (
          <CreateTokenDialog
            taken={(tokens ?? []).map((t) => t.name.toLowerCase())}
            onClose={() => setCreating(false)}
            onCreated={(next) => {
              setCreating(false);
              setCreated(next);
              void reload();
            }}
          />
        )}
        {created && <CreatedTokenDialog created={created} onClose={() => setCreated(null)} />}
        {confirmDialog}
      </div>
    </div>
  );
}

function CreateTokenDialog({taken, onClose, onCreated}: {taken: string[]; onClose: () => void; onCreated: (created: CreatedApiToken) => void}) {
  const client = useClient();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiScope>("ask");
  const [rate, setRate] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trimmed = name.trim();
  const clash = taken.includes(trimmed.toLowerCase()) ? `There is already a token named "${trimmed}".` : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!trimmed || clash) return;
    setBusy(true);
    setError(null);
    try {
      const rateLimitPerMinute = rate.trim() === "" ? null : Number(rate);
      onCreated(await client.invoke("apiTokens.create", {name: trimmed, scope, rateLimitPerMinute}));
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="New API token"
      description="For one person or tool. Its value is shown once, right after it is created; only its hash is kept."
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="new-api-token" busy={busy} disabled={!trimmed || clash !== null}>
            Create token
          </Button>
        </>
      }
    >
      <form id="new-api-token" className="api-token-form" onSubmit={(event) => void submit(event)}>
        <Field label="Name" hint="Letters, digits, dot, dash or underscore; shown in /metrics." error={clash ?? error}>
          {(control) => <input {...control} className="input" value={name} maxLength={64} autoComplete="off" spellCheck={false} data-autofocus onChange={(event) => setName(event.target.value)} placeholder="alice" />}
        </Field>
        <fieldset className="api-token-scopes">
          <legend className="field-label">Scope</legend>
          {SCOPES.map((option) => (
            <label key={option.value} className="api-token-scope">
              <input type="radio" name="scope" value={option.value} checked={scope === option.value} onChange={() => setScope(option.value)} />
              <span>
                <strong>{option.label}</strong>
                <span className="muted">{option.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <Field label="Requests per minute" hint="Leave empty for the API's own limit.">
          {(control) => <input {...control} className="input input-number" type="number" min={1} max={100000} step={1} value={rate} placeholder="Default" onChange={(event) => setRate(event.target.value)} />}
        </Field>
      </form>
    </Dialog>
  );
}

function CreatedTokenDialog({created, onClose}: {created: CreatedApiToken; onClose: () => void}) {
  return (
    <Dialog
      title={`Token "${created.token.name}" created`}
      description="Copy it now and give it to its user: it is not shown again. Clients send it as Authorization: Bearer <token>."
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose} data-autofocus>
          Done
        </Button>
      }
    >
      <Field label="New token value">
        {(control) => (
          <div className="input-row">
            <input {...control} className="input mono" readOnly value={created.value} onFocus={(event) => event.currentTarget.select()} />
            <CopyButton text={created.value} label="Copy token value" size="md" />
          </div>
        )}
      </Field>
    </Dialog>
  );
}
