import {useEffect, useState} from "react";
import {TICKET_CATEGORIES, TICKET_PRIORITIES, type TicketDraft} from "../../../../shared/chat.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Dialog} from "../../ui/Dialog.js";
import {Field} from "../../ui/Field.js";
import {downloadText} from "../../ui/files.js";
import {Spinner} from "../../ui/Spinner.js";
import {lines, ticketAsText, ticketFileName} from "./ticket-format.js";

interface TicketForm extends Omit<TicketDraft, "symptoms" | "stepsTried"> {
  symptoms: string;
  stepsTried: string;
}

function toForm(ticket: TicketDraft): TicketForm {
  return {...ticket, symptoms: ticket.symptoms.join("\n"), stepsTried: ticket.stepsTried.join("\n")};
}

function toTicket(form: TicketForm): TicketDraft {
  return {...form, symptoms: lines(form.symptoms), stepsTried: lines(form.stepsTried)};
}

/** Drafts a ticket from the conversation; every field stays editable before it is copied or saved. */
export function TicketDialog({conversationId, onClose}: {conversationId: string; onClose: () => void}) {
  const client = useClient();
  const [form, setForm] = useState<TicketForm | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    client.invoke("chat.draftTicket", {conversationId}).then(
      (ticket) => live && setForm(toForm(ticket)),
      (caught) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [client, conversationId]);

  const set = <K extends keyof TicketForm>(key: K, value: TicketForm[K]) => setForm((previous) => (previous ? {...previous, [key]: value} : previous));
  const ticket = form ? toTicket(form) : null;

  return (
    <Dialog
      title="Draft ticket"
      description="Drafted from this conversation. Check and edit before you file it."
      size="lg"
      onClose={onClose}
      footer={
        ticket ? (
          <>
            <CopyButton text={() => ticketAsText(ticket)} label="Copy as text" size="md" />
            <CopyButton text={() => JSON.stringify(ticket, null, 2)} label="Copy as JSON" size="md" />
            <Button variant="primary" icon="download" onClick={() => downloadText(ticketFileName(ticket), JSON.stringify(ticket, null, 2), "application/json")}>
              Save .json
            </Button>
          </>
        ) : (
          <Button onClick={onClose}>Close</Button>
        )
      }
    >
      {error ? (
        <Banner tone="danger" title="Could not draft a ticket">
          {errorMessage(error)}
        </Banner>
      ) : !form ? (
        <div className="dialog-loading">
          <Spinner size={18} /> Drafting from the conversation…
        </div>
      ) : (
        <div className="form-grid">
          <div className="span-2">
            <Field label="Title">{(control) => <input {...control} className="input" value={form.title} onChange={(event) => set("title", event.target.value)} />}</Field>
          </div>
          <Field label="Category">
            {(control) => (
              <select {...control} className="input select" value={form.category} onChange={(event) => set("category", event.target.value as TicketDraft["category"])}>
                {TICKET_CATEGORIES.map((category) => (
                  <option key={category} value={category}>
                    {category}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Priority">
            {(control) => (
              <select {...control} className="input select" value={form.priority} onChange={(event) => set("priority", event.target.value as TicketDraft["priority"])}>
                {TICKET_PRIORITIES.map((priority) => (
                  <option key={priority} value={priority}>
                    {priority}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="span-2">
            <Field label="Affected system">
              {(control) => <input {...control} className="input" value={form.affectedSystem} onChange={(event) => set("affectedSystem", event.target.value)} />}
            </Field>
          </div>
          <Field label="Symptoms" hint="One per line">
            {(control) => <textarea {...control} className="input textarea" rows={4} value={form.symptoms} onChange={(event) => set("symptoms", event.target.value)} />}
          </Field>
          <Field label="Steps tried" hint="One per line">
            {(control) => <textarea {...control} className="input textarea" rows={4} value={form.stepsTried} onChange={(event) => set("stepsTried", event.target.value)} />}
          </Field>
          <div className="span-2">
            <Field label="Resolution">
              {(control) => <textarea {...control} className="input textarea" rows={3} value={form.resolution} onChange={(event) => set("resolution", event.target.value)} />}
            </Field>
          </div>
        </div>
      )}
    </Dialog>
  );
}
