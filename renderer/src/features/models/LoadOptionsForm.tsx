import type {MethodInput} from "../../../../shared/contract.js";
import {Field} from "../../ui/Field.js";
import {NumberInput} from "../../ui/NumberInput.js";

export type LoadOptions = Required<Pick<MethodInput<"models.load">, "gpuLayers" | "contextSize" | "threads" | "parallelSequences">>;

/** How the next model is loaded; starts from the saved defaults in settings. */
export function LoadOptionsForm({value, onChange, autoThreads}: {value: LoadOptions; onChange: (value: LoadOptions) => void; autoThreads: number | null}) {
  const set = <K extends keyof LoadOptions>(key: K, next: LoadOptions[K]) => onChange({...value, [key]: next});
  const layersMode = typeof value.gpuLayers === "number" ? "custom" : value.gpuLayers;
  const contextMode = typeof value.contextSize === "number" ? "custom" : "auto";

  return (
    <div className="load-options">
      <Field label="GPU layers" hint="Auto offloads as many layers as fit in VRAM.">
        {(control) => (
          <div className="input-row">
            <select
              {...control}
              className="input select"
              value={layersMode}
              onChange={(event) => set("gpuLayers", event.target.value === "custom" ? 32 : (event.target.value as "auto" | "max"))}
            >
              <option value="auto">Auto</option>
              <option value="max">Max</option>
              <option value="custom">Custom</option>
            </select>
            {typeof value.gpuLayers === "number" && (
              <NumberInput aria-label="Number of GPU layers" min={0} max={1000} value={value.gpuLayers} onChange={(next) => set("gpuLayers", next)} />
            )}
          </div>
        )}
      </Field>
      <Field label="Context size" hint="Tokens of conversation and excerpts the model sees at once.">
        {(control) => (
          <div className="input-row">
            <select {...control} className="input select" value={contextMode} onChange={(event) => set("contextSize", event.target.value === "custom" ? 8192 : "auto")}>
              <option value="auto">Auto</option>
              <option value="custom">Custom</option>
            </select>
            {typeof value.contextSize === "number" && (
              <NumberInput aria-label="Context size in tokens" min={256} max={1_048_576} step={256} value={value.contextSize} onChange={(next) => set("contextSize", next)} />
            )}
          </div>
        )}
      </Field>
      <Field label="CPU threads" hint={autoThreads ? `0 is automatic: ${autoThreads} ${autoThreads === 1 ? "thread" : "threads"} here, one per CPU core.` : "0 is automatic: one thread per CPU core."}>
        {(control) => (
          <NumberInput {...control} min={0} max={256} value={value.threads} onChange={(next) => set("threads", next)} />
        )}
      </Field>
      <Field label="Parallel sequences" hint="Answers generated at the same time (chat plus API clients).">
        {(control) => (
          <NumberInput {...control} min={1} max={32} value={value.parallelSequences} onChange={(next) => set("parallelSequences", next)} />
        )}
      </Field>
    </div>
  );
}
