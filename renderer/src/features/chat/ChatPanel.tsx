import {useCallback, useEffect, useRef, useState} from "react";
import type {Citation} from "../../../../shared/chat.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import type {PanelId} from "../../shell/panels.js";
import {isRetrievalOnly, useEngine} from "../../state/engine.js";
import {Banner} from "../../ui/Banner.js";
import {Button, IconButton} from "../../ui/Button.js";
import {downloadText} from "../../ui/files.js";
import {Spinner} from "../../ui/Spinner.js";
import {useToast} from "../../ui/Toasts.js";
import {Composer, type ComposerHandle} from "./Composer.js";
import {ConversationList} from "./ConversationList.js";
import {MessageList} from "./MessageList.js";
import {RetrievalOnlyBanner} from "./RetrievalOnlyBanner.js";
import {SaveToKnowledgeDialog} from "./SaveToKnowledgeDialog.js";
import {SourcePreview} from "./SourcePreview.js";
import {TicketDialog} from "./TicketDialog.js";
import {useConversation} from "./useConversation.js";
import {Welcome} from "./Welcome.js";
import "./chat.css";

type OpenDialog = "ticket" | "save" | null;

export function ChatPanel({active, newChatSignal, onNavigate}: {active: boolean; newChatSignal: number; onNavigate: (panel: PanelId) => void}) {
  const client = useClient();
  const {notify} = useToast();
  const {status, startingUp} = useEngine();
  // A dismissed banner stays away until the engine's situation changes (a load starts, fails, …).
  const bannerKey = `${status?.state}:${status?.error?.code ?? ""}:${startingUp}`;
  const [bannerDismissedFor, setBannerDismissedFor] = useState<string | null>(null);
  const chat = useConversation();
  const composer = useRef<ComposerHandle>(null);
  const [preview, setPreview] = useState<{messageId: string; citation: Citation} | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [listOpen, setListOpen] = useState(false);
  const listToggle = useRef<HTMLButtonElement>(null);
  const drawerClose = useRef<HTMLButtonElement>(null);

  const resetConversation = chat.startNew;
  const startNew = useCallback(() => {
    resetConversation();
    setPreview(null);
    setListOpen(false);
    requestAnimationFrame(() => composer.current?.focus());
  }, [resetConversation]);

  // The drawer (narrow windows) takes focus when it opens and gives it back to its toggle when dismissed.
  useEffect(() => {
    if (listOpen) drawerClose.current?.focus();
  }, [listOpen]);
  const dismissList = useCallback(() => {
    setListOpen(false);
    listToggle.current?.focus();
  }, []);

  // Ctrl/Cmd+K comes from the shell so it works from every panel.
  useEffect(() => {
    if (newChatSignal > 0) startNew();
  }, [newChatSignal, startNew]);

  // Escape closes the drawer or the source preview first, then stops a running answer; dialogs and
  // inline editors keep Escape to themselves.
  const {streaming, stop} = chat;
  const previewOpen = preview !== null;
  useEffect(() => {
    if (!active) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (listOpen) dismissList();
      else if (previewOpen) setPreview(null);
      else if (streaming) void stop();
      else return;
      event.preventDefault();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [active, streaming, stop, listOpen, previewOpen, dismissList]);

  async function run(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
      return false;
    }
  }

  async function exportMarkdown() {
    if (!chat.conversationId) return;
    await run(async () => {
      const {fileName, markdown} = await client.invoke("chat.export", {id: chat.conversationId as string});
      downloadText(fileName, markdown, "text/markdown");
    });
  }

  function openConversation(id: string) {
    setPreview(null);
    setListOpen(false);
    void chat.open(id);
  }

  const hasMessages = chat.messages.length > 0 || chat.pendingQuestion !== null;
  const canAct = chat.conversationId !== null && chat.messages.length > 0 && !chat.streaming;

  return (
    <div className={`chat-layout${preview ? " has-preview" : ""}${listOpen ? " list-open" : ""}`}>
      <aside className="chat-sidebar" aria-label="Conversations">
        <div className="drawer-header">
          <h2>Conversations</h2>
          <IconButton ref={drawerClose} icon="close" label="Close conversations" onClick={dismissList} />
        </div>
        <ConversationList activeId={chat.conversationId} onOpen={openConversation} onNew={startNew} onDeleted={(id) => id === chat.conversationId && startNew()} />
      </aside>
      {listOpen && <div className="drawer-scrim" onClick={dismissList} aria-hidden="true" />}
      <div className="chat-main">
        <header className="panel-header chat-header">
          <IconButton ref={listToggle} icon="sidebar" label={listOpen ? "Hide conversations" : "Show conversations"} className="chat-list-toggle" onClick={() => setListOpen(!listOpen)} />
          <h1 className="panel-title chat-title">{chat.summary?.title || (chat.conversationId ? "Conversation" : "New chat")}</h1>
          <div className="header-actions">
            <Button size="sm" variant="ghost" icon="ticket" aria-label="Draft ticket" title="Draft ticket" disabled={!canAct} onClick={() => setDialog("ticket")}>
              <span className="label-wide">Draft ticket</span>
            </Button>
            <Button size="sm" variant="ghost" icon="bookmarkPlus" aria-label="Save to knowledge base" title="Save to knowledge base" disabled={!canAct} onClick={() => setDialog("save")}>
              <span className="label-wide">Save to knowledge base</span>
            </Button>
            <Button size="sm" variant="ghost" icon="download" aria-label="Export as Markdown" title="Export as Markdown" disabled={!canAct} onClick={() => void exportMarkdown()}>
              <span className="label-wide">Export</span>
            </Button>
          </div>
        </header>
        {status && isRetrievalOnly(status) && bannerDismissedFor !== bannerKey && (
          <div className="chat-banner">
            <RetrievalOnlyBanner status={status} startingUp={startingUp} onOpenModels={() => onNavigate("models")} onDismiss={() => setBannerDismissedFor(bannerKey)} />
          </div>
        )}
        {chat.loading ? (
          <div className="chat-empty">
            <Spinner size={20} label="Loading conversation" />
          </div>
        ) : chat.loadError ? (
          <div className="chat-empty">
            <Banner tone="danger" title="Could not open this conversation">
              {errorMessage(chat.loadError)}
            </Banner>
          </div>
        ) : hasMessages ? (
          <MessageList
            earlier={chat.summary?.earlier ?? null}
            messages={chat.messages}
            streams={chat.streams}
            queue={chat.queue}
            pendingQuestion={chat.pendingQuestion}
            streaming={chat.streaming}
            activeCitation={preview ? {messageId: preview.messageId, index: preview.citation.index} : null}
            onOpenCitation={(messageId, citation) => setPreview({messageId, citation})}
            onRegenerate={() => void run(chat.regenerate)}
            onEditLast={async (text) => {
              await run(() => chat.editLast(text));
            }}
            onUpdated={chat.replaceMessage}
          />
        ) : (
          <div className="message-scroll">
            <Welcome onPick={(text) => void run(() => chat.send(text))} />
          </div>
        )}
        <div className="composer-wrap">
          <Composer ref={composer} streaming={chat.streaming} onSend={(text) => run(() => chat.send(text))} onStop={() => void run(chat.stop)} />
          <p className="composer-hint">
            <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Esc</kbd> stop · <kbd>Ctrl</kbd>+<kbd>K</kbd> new chat
          </p>
        </div>
      </div>
      {preview && <div className="preview-scrim" onClick={() => setPreview(null)} aria-hidden="true" />}
      {preview && <SourcePreview citation={preview.citation} onClose={() => setPreview(null)} />}
      {dialog === "ticket" && chat.conversationId && <TicketDialog conversationId={chat.conversationId} onClose={() => setDialog(null)} />}
      {dialog === "save" && chat.conversationId && (
        <SaveToKnowledgeDialog conversationId={chat.conversationId} initialTitle={chat.summary?.title ?? ""} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
