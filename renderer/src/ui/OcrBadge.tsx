import {Badge} from "./Badge.js";

const EXPLANATION = "Recognised by OCR from a scanned page or an image: it may contain misread words or numbers. Check the original before acting on them.";

/** Marks a passage whose text OCR read from an image, next to where it came from. */
export function OcrBadge() {
  return (
    <Badge tone="warning" title={EXPLANATION}>
      OCR
    </Badge>
  );
}
