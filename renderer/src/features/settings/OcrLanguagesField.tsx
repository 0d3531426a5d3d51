import {useId, useState} from "react";
import {useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {knownFolder} from "../../state/server-access.js";
import {Badge} from "../../ui/Badge.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {Spinner} from "../../ui/Spinner.js";
import {useLock} from "./fields.js";
import {useSettingsForm} from "./settings-form.js";

/** English names of common tesseract codes; any other code shows as it is. */
const LANGUAGE_NAMES: Record<string, string> = {
  eng: "English",
  deu: "German",
  fra: "French",
  spa: "Spanish",
  ita: "Italian",
  nld: "Dutch",
  por: "Portuguese",
  pol: "Polish",
  ces: "Czech",
  swe: "Swedish",
  dan: "Danish",
  nor: "Norwegian",
  fin: "Finnish",
  hun: "Hungarian",
  tur: "Turkish",
  ell: "Greek",
  ukr: "Ukrainian",
  rus: "Russian",
  jpn: "Japanese",
  kor: "Korean",
  chi_sim: "Chinese (simplified)",
  chi_tra: "Chinese (traditional)",
  ara: "Arabic",
  heb: "Hebrew",
  hin: "Hindi",
};

/** Tesseract reads at most this many languages at once (the settings schema's limit). */
const MAX_LANGUAGES = 8;

/** `<data>/models/tessdata` when the data folder is known (the desktop app), else null. */
function tessdataFolder(dataDir: string): string | null {
  const folder = knownFolder(dataDir);
  if (!folder) return null;
  const separator = /^[A-Za-z]:\\|^\\\\/.test(folder) ? "\\" : "/";
  return [folder.replace(/[\\/]+$/, ""), "models", "tessdata"].join(separator);
}

/** "German" for deu; the code itself for one without a name here. */
export function ocrLanguageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code;
}

/**
 * Which languages OCR reads scanned pages and images in, ticked from the languages whose data is on
 * the computer running Deskside. The first ticked is the main one (tesseract weighs them in order),
 * so a new tick goes to the end. None ticked turns OCR off.
 */
export function OcrLanguagesField({dataDir}: {dataDir: string}) {
  const path = "knowledge.ocrLanguages";
  const {settings, errors, commit} = useSettingsForm();
  const found = useRpcQuery("knowledge.ocrLanguages");
  const [saving, setSaving] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const labelId = useId();
  const hintId = useId();
  const lock = useLock(path, null);
  const selected = settings.knowledge.ocrLanguages;
  const available = found.data?.available ?? [];
  const availableCodes = new Set(available.map((language) => language.code));
  // Against the settings in effect now, not those of the last listing: a tick elsewhere shows at once.
  const missing = found.data ? selected.filter((code) => !availableCodes.has(code)) : [];
  const codes = [...available.map((language) => language.code), ...missing];
  const tessdata = tessdataFolder(dataDir);

  async function refresh() {
    setRefreshing(true);
    await found.reload();
    setRefreshing(false);
  }

  async function toggle(code: string, on: boolean) {
    const next = on ? [...selected.filter((c) => c !== code), code] : selected.filter((c) => c !== code);
    setSaving(true);
    await commit(path, next);
    setSaving(false);
  }

  return (
    <div className={`field${errors[path] ? " field-has-error" : ""}`} role="group" aria-labelledby={labelId} aria-describedby={hintId}>
      <div className="ocr-languages-header">
        <span id={labelId} className="field-label">
          OCR languages
        </span>
        <Button size="sm" variant="ghost" icon="regenerate" busy={refreshing} onClick={() => void refresh()}>
          Refresh
        </Button>
      </div>
      {lock.locked && <div className="field-hint">{lock.hint}</div>}
      {found.error ? <Banner tone="danger">{errorMessage(found.error)}</Banner> : null}
      {!found.data ? (
        found.error ? null : <Spinner size={16} label="Looking for OCR languages" />
      ) : (
        <ul className="ocr-languages">
          {codes.map((code) => {
            const checked = selected.includes(code);
            const main = checked && selected[0] === code;
            const absent = !availableCodes.has(code);
            return (
              <li key={code}>
                <label className="ocr-language">
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={lock.locked || saving || (!checked && (absent || selected.length >= MAX_LANGUAGES))}
                    onChange={(event) => void toggle(code, event.target.checked)}
                  />
                  <span>{ocrLanguageName(code)}</span>
                  {ocrLanguageName(code) !== code && <code>{code}</code>}
                  {main && selected.length > 1 && <Badge tone="accent">Main</Badge>}
                  {absent && <Badge tone="warning">Data missing</Badge>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {found.data && selected.length === 0 && (
        <Banner tone="warning" title="OCR is off">
          Images (PNG, JPEG, TIFF) and scanned PDFs are refused on import; of a partly scanned PDF only the pages with a text layer are read. Tick a language to turn OCR on.
        </Banner>
      )}
      {missing.length > 0 && (
        <Banner tone="warning" title={missing.length === 1 ? "Language data missing" : "Language data missing for some languages"}>
          No data for {missing.map((code) => (ocrLanguageName(code) === code ? code : `${ocrLanguageName(code)} (${code})`)).join(", ")}: scanned pages and images fail to import until{" "}
          {missing.map((code) => `${code}.traineddata`).join(", ")} {missing.length === 1 ? "is added, or the language is unticked" : "are added, or the languages are unticked"}.
        </Banner>
      )}
      <div id={hintId} className="field-hint">
        Scanned pages and images are read in the ticked languages; the first ticked is the main one, and each extra language makes OCR slower. To add a language, copy its <code>&lt;code&gt;.traineddata</code> (from tesseract's tessdata_best or tessdata_fast) into{" "}
        {tessdata ? <code>{tessdata}</code> : <>the models folder's <code>tessdata</code> folder on the computer running Deskside</>}, then Refresh.
      </div>
      {errors[path] && (
        <div className="field-error" role="alert">
          {errors[path]}
        </div>
      )}
    </div>
  );
}
