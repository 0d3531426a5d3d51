import {useEffect, useState} from "react";
import {Button, IconButton} from "./Button.js";
import {copyText} from "./files.js";

/** Copies on click and shows a check for a moment, so the user sees it worked. */
export function CopyButton({
  text,
  label = "Copy",
  iconOnly = false,
  size = "sm",
  variant,
}: {
  text: string | (() => string);
  label?: string;
  iconOnly?: boolean;
  size?: "sm" | "md";
  variant?: "ghost" | "secondary";
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    if (await copyText(typeof text === "function" ? text() : text)) setCopied(true);
  }

  if (iconOnly) return <IconButton icon={copied ? "check" : "copy"} label={copied ? "Copied" : label} size={size} variant={variant ?? "ghost"} onClick={copy} />;
  return (
    <Button size={size} variant={variant ?? "secondary"} icon={copied ? "check" : "copy"} onClick={copy}>
      {copied ? "Copied" : label}
    </Button>
  );
}
