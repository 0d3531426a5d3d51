import {useEffect, useState} from "react";
import {useEvent} from "../client/context.js";
import {ChatPanel} from "../features/chat/ChatPanel.js";
import {KnowledgePanel} from "../features/knowledge/KnowledgePanel.js";
import {ModelsPanel} from "../features/models/ModelsPanel.js";
import {SettingsPanel} from "../features/settings/SettingsPanel.js";
import {useSettings} from "../state/settings.js";
import {Banner} from "../ui/Banner.js";
import {useToast} from "../ui/Toasts.js";
import {NavBar} from "./NavBar.js";
import {ShortcutsDialog, typingInto} from "./ShortcutsDialog.js";
import type {PanelId} from "./panels.js";
import {StatusBar} from "./StatusBar.js";

/** Navigation, the four panels and the status bar. Panels stay mounted once opened so a streaming answer or an import keeps its state while you look elsewhere. */
export function AppShell() {
  const [active, setActive] = useState<PanelId>("chat");
  const [opened, setOpened] = useState<Set<PanelId>>(() => new Set(["chat"]));
  const [newChatSignal, setNewChatSignal] = useState(0);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const {notify} = useToast();

  function navigate(panel: PanelId) {
    setActive(panel);
    setOpened((previous) => (previous.has(panel) ? previous : new Set(previous).add(panel)));
  }

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        navigate("chat");
        setNewChatSignal((n) => n + 1);
      } else if (event.key === "?" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingInto(event.target)) {
        event.preventDefault();
        setShortcutsOpen(true);
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  useEvent("app.notice", (notice) => notify(notice.message, {tone: notice.level === "error" ? "error" : notice.level, code: notice.code}));

  return (
    <div className="app">
      <NavBar active={active} onNavigate={navigate} />
      <main className="app-main">
        <SettingsWarnings />
        {[...opened].map((panel) => (
          <section key={panel} className="panel" hidden={panel !== active} aria-label={PANEL_TITLES[panel]}>
            {panel === "chat" && <ChatPanel active={active === "chat"} newChatSignal={newChatSignal} onNavigate={navigate} />}
            {panel === "knowledge" && <KnowledgePanel />}
            {panel === "models" && <ModelsPanel active={active === "models"} />}
            {panel === "settings" && <SettingsPanel />}
          </section>
        ))}
      </main>
      <StatusBar onNavigate={navigate} />
      {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
    </div>
  );
}

const PANEL_TITLES: Record<PanelId, string> = {chat: "Chat", knowledge: "Knowledge", models: "Models & GPU", settings: "Settings"};

function SettingsWarnings() {
  const {view, dismissedWarnings, dismissWarnings} = useSettings();
  if (!view || view.warnings.length === 0 || dismissedWarnings) return null;
  return (
    <div className="app-banner">
      <Banner tone="warning" title="Settings were reset" onDismiss={dismissWarnings}>
        {view.warnings.map((warning) => (
          <p key={warning.code + warning.message} data-code={warning.code}>
            {warning.message}
          </p>
        ))}
      </Banner>
    </div>
  );
}
