import {useEffect, useState} from "react";

/**
 * The built-in system prompt. shared/settings.ts also holds the zod schema, so it is loaded on
 * demand to keep the validator out of the main bundle.
 */
export function useDefaultSystemPrompt(): string | null {
  const [prompt, setPrompt] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import("../../../../shared/settings.js").then((module) => live && setPrompt(module.DEFAULT_SYSTEM_PROMPT));
    return () => {
      live = false;
    };
  }, []);
  return prompt;
}
