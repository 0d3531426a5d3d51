import {useEffect, useRef, useState, type ReactNode, type RefObject} from "react";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {knownFolder, localOnlySettings} from "../../state/server-access.js";
import {useSettings} from "../../state/settings.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Icon, type IconName} from "../../ui/Icon.js";
import {Spinner} from "../../ui/Spinner.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";
import {ApiTokenField} from "./ApiTokenField.js";
import {ApiTokensField} from "./ApiTokensField.js";
import {ListSetting, NumberSetting, SecretSetting, SegmentedSetting, SelectSetting, TextAreaSetting, TextSetting, ToggleSetting} from "./fields.js";
import {OcrLanguagesField} from "./OcrLanguagesField.js";
import {SharedStoreFields} from "./SharedStoreFields.js";
import {SettingsFormProvider, useSettingsForm} from "./settings-form.js";
import {useDefaultSystemPrompt} from "./useDefaultSystemPrompt.js";
import "./settings.css";

const SECTIONS: {id: string; title: string; icon: IconName}[] = [
  {id: "appearance", title: "Appearance", icon: "sun"},
  {id: "generation", title: "Generation", icon: "sparkles"},
  {id: "retrieval", title: "Retrieval", icon: "search"},
  {id: "knowledge", title: "Knowledge", icon: "book"},
  {id: "prompt", title: "System prompt", icon: "chat"},
  {id: "api", title: "HTTP API", icon: "globe"},
  {id: "remote", title: "Remote engine", icon: "zap"},
  {id: "redaction", title: "Redaction", icon: "shield"},
  {id: "data", title: "Data", icon: "database"},
];

export function SettingsPanel() {
  const {view, error} = useSettings();
  const client = useClient();
  const sections = useRef<HTMLDivElement>(null);
  const [active, show] = useActiveSection(sections, Boolean(view));
  return (
    <div className="page">
      <header className="panel-header">
        <div>
          <h1 className="panel-title">Settings</h1>
          <p className="panel-subtitle muted">Changes apply immediately.</p>
        </div>
      </header>
      {!view ? (
        <div className="page-body">{error ? <Banner tone="danger">{errorMessage(error)}</Banner> : <Spinner size={20} label="Loading settings" />}</div>
      ) : (
        <SettingsFormProvider settings={view.settings} secrets={view.secrets} overridden={view.overridden} localOnly={localOnlySettings(client)}>
          <div className="settings-layout">
            <nav className="settings-nav" aria-label="Settings sections">
              {SECTIONS.map((section) => (
                <a
                  key={section.id}
                  href={`#settings-${section.id}`}
                  aria-current={active === section.id ? "location" : undefined}
                  onClick={(event) => {
                    // The address bar fragment is left alone (browser mode keeps its own state there).
                    event.preventDefault();
                    show(section.id);
                  }}
                >
                  <Icon name={section.icon} size={14} />
                  {section.title}
                </a>
              ))}
            </nav>
            <div className="settings-sections" ref={sections}>
              <SettingsSections dataDir={view.dataDir} />
            </div>
          </div>
        </SettingsFormProvider>
      )}
    </div>
  );
}

/** How far below the top of the scrolling page a section's heading counts as the one being read. */
const READING_LINE_PX = 120;
/** A smooth scroll started from the nav takes about this long; the clicked entry stays lit meanwhile. */
const NAV_SCROLL_MS = 900;

/**
 * The section being read, for the nav highlight: the last one whose top has passed the reading
 * line, or the last one once the page is scrolled to the end. A click lights its entry at once.
 */
function useActiveSection(container: RefObject<HTMLDivElement | null>, ready: boolean): [string, (id: string) => void] {
  const [active, setActive] = useState(SECTIONS[0].id);
  const pinnedUntil = useRef(0);

  useEffect(() => {
    const root = container.current;
    const scroller = root?.closest<HTMLElement>(".page");
    if (!root || !scroller) return;
    function update() {
      if (!root || !scroller || scroller.clientHeight === 0 || Date.now() < pinnedUntil.current) return;
      const top = scroller.getBoundingClientRect().top;
      let current = SECTIONS[0].id;
      for (const section of SECTIONS) {
        const element = root.querySelector(`#settings-${section.id}`);
        if (element && element.getBoundingClientRect().top - top <= READING_LINE_PX) current = section.id;
      }
      if (scroller.scrollTop > 0 && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) current = SECTIONS[SECTIONS.length - 1].id;
      setActive(current);
    }
    update();
    scroller.addEventListener("scroll", update, {passive: true});
    return () => scroller.removeEventListener("scroll", update);
  }, [container, ready]);

  function show(id: string) {
    pinnedUntil.current = Date.now() + NAV_SCROLL_MS;
    setActive(id);
    container.current?.querySelector(`#settings-${id}`)?.scrollIntoView({behavior: "smooth", block: "start"});
  }
  return [active, show];
}

function Section({id, title, description, children}: {id: string; title: string; description?: string; children: ReactNode}) {
  return (
    <section id={`settings-${id}`} className="card settings-section" aria-labelledby={`settings-${id}-title`}>
      <header className="settings-section-header">
        <h2 id={`settings-${id}-title`}>{title}</h2>
        {description && <p className="muted">{description}</p>}
      </header>
      <div className="settings-fields">{children}</div>
    </section>
  );
}

function SettingsSections({dataDir: reported}: {dataDir: string}) {
  // A browser is not told where the server keeps its files.
  const dataDir = knownFolder(reported);
  const {settings, commit} = useSettingsForm();
  const {reset} = useSettings();
  const {notify} = useToast();
  const [confirm, dialog] = useConfirm();
  const defaultPrompt = useDefaultSystemPrompt();

  async function confirmLan(next: boolean): Promise<boolean> {
    if (!next) return true;
    return confirm({
      title: "Allow access from the network?",
      message: "Other computers on your network can then reach Deskside's API with the token, including your knowledge base and chat. Only enable this on a network you trust.",
      confirmLabel: "Allow LAN access",
      danger: true,
    });
  }

  async function resetAll() {
    const ok = await confirm({
      title: "Reset all settings?",
      message: "Every setting returns to its default. The API token is kept; your knowledge base, conversations and models are not touched.",
      confirmLabel: "Reset settings",
      danger: true,
    });
    if (!ok) return;
    try {
      await reset();
      notify("Settings restored to defaults.", {tone: "success"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  return (
    <>
      <Section id="appearance" title="Appearance">
        <SegmentedSetting
          path="ui.theme"
          label="Theme"
          options={[
            {value: "system", label: "System", icon: "monitor"},
            {value: "light", label: "Light", icon: "sun"},
            {value: "dark", label: "Dark", icon: "moon"},
          ]}
        />
      </Section>

      <Section id="generation" title="Generation" description="How the model writes answers.">
        <NumberSetting path="generation.temperature" label="Temperature" hint="Lower is more focused and repeatable; 0.2–0.4 suits troubleshooting." min={0} max={2} step={0.05} />
        <NumberSetting path="generation.topP" label="Top-p" min={0} max={1} step={0.05} />
        <NumberSetting path="generation.topK" label="Top-k" min={0} max={1000} integer />
        <NumberSetting path="generation.repeatPenalty" label="Repeat penalty" min={1} max={2} step={0.05} />
        <NumberSetting path="generation.maxTokens" label="Max answer length" unit="tokens" min={1} max={32768} integer />
        <SelectSetting
          path="llm.speculative"
          label="Speculative decoding"
          hint="Guesses a few tokens ahead and checks them in one step: same answers, faster on a GPU. Applies the next time a model loads."
          options={[
            {value: "auto", label: "Automatic (prompt lookup on a GPU)"},
            {value: "off", label: "Off"},
            {value: "prompt-lookup", label: "Prompt lookup (answers that quote sources)"},
            {value: "draft-model", label: "Draft model"},
          ]}
        />
        {settings.llm.speculative === "draft-model" ? <TextSetting path="llm.draftModel" label="Draft model" placeholder="a small .gguf with the same vocabulary" mono nullable /> : null}
      </Section>

      <Section id="retrieval" title="Retrieval" description="Which knowledge-base passages the model sees.">
        <NumberSetting path="retrieval.topK" label="Passages per answer" min={1} max={20} integer />
        <SelectSetting
          path="retrieval.mode"
          label="Search mode"
          options={[
            {value: "hybrid", label: "Hybrid (vector + text)"},
            {value: "vector", label: "Vector"},
            {value: "text", label: "Text"},
          ]}
        />
        <SegmentedSetting
          path="retrieval.answerMode"
          label="When the knowledge base has no answer"
          hint={settings.retrieval.answerMode === "general" ? "The model answers from its own knowledge, clearly labelled as not from the knowledge base." : "Deskside says the knowledge base does not cover it."}
          options={[
            {value: "strict", label: "Say so (strict)"},
            {value: "general", label: "Answer generally"},
          ]}
        />
        <NumberSetting path="retrieval.noAnswerThreshold" label="No-answer threshold" hint="Best passage relevance (0–1) below which the knowledge base counts as having no answer." min={0} max={1} step={0.05} />
      </Section>

      <Section id="knowledge" title="Knowledge" description="How imported documents are split. Changes apply to new imports; re-index to apply them everywhere.">
        <NumberSetting path="knowledge.chunkSize" label="Chunk size" unit="tokens" min={32} max={2048} integer />
        <NumberSetting path="knowledge.chunkOverlap" label="Chunk overlap" unit="tokens" min={0} max={512} integer />
        <NumberSetting path="knowledge.maxFileSizeMb" label="Largest file to import" unit="MB" min={0.001} max={2048} step={1} />
        <OcrLanguagesField dataDir={reported} />
        <SharedStoreFields />
      </Section>

      <Section id="prompt" title="System prompt" description="The standing instructions given to the model before every conversation.">
        <TextAreaSetting path="chat.systemPrompt" label="System prompt" rows={9} />
        <div>
          <Button icon="regenerate" size="sm" disabled={defaultPrompt === null || settings.chat.systemPrompt === defaultPrompt} onClick={() => defaultPrompt !== null && void commit("chat.systemPrompt", defaultPrompt)}>
            Reset to default
          </Button>
        </div>
      </Section>

      <Section id="api" title="HTTP API" description="OpenAI-compatible and help-desk endpoints for scripts, ticketing systems and browsers.">
        <ToggleSetting path="api.enabled" label="Enable the local API" />
        <NumberSetting path="api.port" label="Port" min={1} max={65535} integer />
        <ApiTokenField />
        <ApiTokensField />
        <ToggleSetting path="api.allowLan" label="Allow access from other computers (LAN)" hint="Off keeps the API on this computer only (127.0.0.1)." onBeforeChange={confirmLan} />
        {settings.api.allowLan && (
          <Banner tone="warning" title="The API is reachable from your network">
            Anyone on the network who has the token can use Deskside. Turn this off when you don't need it.
          </Banner>
        )}
        <ListSetting path="api.corsOrigins" label="Allowed browser origins (CORS)" hint="One origin per line, e.g. https://helpdesk.example.com. Leave empty to allow none." placeholder="https://helpdesk.example.com" />
      </Section>

      <Section id="remote" title="Remote engine" description="Optionally send generation to an OpenAI-compatible server instead of, or as a fallback for, the local model. Retrieval stays local.">
        <SelectSetting
          path="llm.engine"
          label="Engine"
          options={[
            {value: "local", label: "Local model"},
            {value: "remote", label: "Remote server"},
          ]}
        />
        <TextSetting path="llm.remote.baseUrl" label="Base URL" placeholder="http://gpu-server:8080/v1" type="url" mono />
        <SecretSetting path="llm.remote.apiKey" label="API key" hint="Kept on this computer and never shown again; Change replaces it." />
        <TextSetting path="llm.remote.model" label="Model" placeholder="Server default" />
        <SelectSetting
          path="llm.fallback"
          label="Fallback order"
          options={[
            {value: "none", label: "No fallback"},
            {value: "local-then-remote", label: "Local, then remote"},
            {value: "remote-then-local", label: "Remote, then local"},
          ]}
        />
        {settings.llm.engine === "remote" || settings.llm.fallback !== "none" ? (
          <Banner tone="info">Questions and knowledge-base excerpts are sent to the remote server when it is used. Redaction still applies first.</Banner>
        ) : null}
      </Section>

      <Section id="redaction" title="Redaction" description="Masks secrets in questions before they reach any model, local or remote.">
        <ToggleSetting path="redaction.enabled" label="Mask passwords, keys and tokens" />
        <ToggleSetting path="redaction.emails" label="Also mask email addresses" />
        <ToggleSetting path="redaction.phones" label="Also mask phone numbers" />
      </Section>

      <Section id="data" title="Data">
        <div className="field">
          <span className="field-label">Data folder</span>
          {dataDir ? (
            <div className="path-box">
              <code>{dataDir}</code>
              <CopyButton text={dataDir} label="Copy data folder path" iconOnly />
            </div>
          ) : (
            <p className="muted">On the computer running Deskside; the server prints it when it starts (Data folder: …).</p>
          )}
          <div className="field-hint">Settings, the knowledge base, conversations and imported models live here.</div>
        </div>
        <div className="danger-zone">
          <div>
            <strong>Reset to defaults</strong>
            <p className="muted">Restores every setting. Keeps the API token and all your data.</p>
          </div>
          <Button variant="danger" onClick={() => void resetAll()}>
            Reset settings…
          </Button>
        </div>
      </Section>
      {dialog}
    </>
  );
}
