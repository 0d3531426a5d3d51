import {useEffect, useState, type FormEvent} from "react";
import {CollectionInput} from "../../ui/CollectionInput.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Button} from "../../ui/Button.js";
import {Dialog} from "../../ui/Dialog.js";
import {Field} from "../../ui/Field.js";
import {useToast} from "../../ui/Toasts.js";

/** Turns a solved conversation into an article the next technician will find. */
export function SaveToKnowledgeDialog({conversationId, initialTitle, onClose}: {conversationId: string; initialTitle: string; onClose: () => void}) {
  const client = useClient();
  const {notify} = useToast();
  const [title, setTitle] = useState(initialTitle);
  const [collection, setCollection] = useState("");
  const [collections, setCollections] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.invoke("knowledge.stats").then(
      (stats) => setCollections(stats.collections),
      () => undefined,
    );
  }, [client]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const document = await client.invoke("chat.saveToKnowledge", {conversationId, title: title.trim() || undefined, collection: collection.trim() || null});
      notify(`Saved to the knowledge base as "${document.title}".`, {tone: "success"});
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Save to knowledge base" description="The question, the steps and the resolution become a searchable article." size="sm" onClose={onClose}>
      <form className="stack" onSubmit={save}>
        <Field label="Article title">{(control) => <input {...control} className="input" maxLength={200} value={title} onChange={(event) => setTitle(event.target.value)} data-autofocus />}</Field>
        <Field label="Collection" hint="Optional. Pick an existing one or type a new name." error={error}>
          {(control) => <CollectionInput control={control} value={collection} onChange={setCollection} collections={collections} />}
        </Field>
        <div className="dialog-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" icon="bookmarkPlus" busy={busy}>
            Save article
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
