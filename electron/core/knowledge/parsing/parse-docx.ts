import mammoth from "mammoth";
import {DesksideError} from "../../../../shared/errors.js";
import {parseHtmlDom} from "./dom.js";
import type {FileLimits} from "./file-limits.js";
import {headingAsTitle, titleFromFileName} from "./file-name.js";
import {blocksFromHtml} from "./html-to-blocks.js";
import {MIME} from "./mime.js";
import {checkMarkupDepth} from "./nesting-guard.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {ParsedDocument} from "./types.js";
import {checkZipArchive} from "./zip-guard.js";

/**
 * Word documents go through mammoth's semantic HTML (headings from Heading styles, real lists and
 * tables) and then the same walker as web pages, so both yield the same kinds of blocks.
 */

const STYLE_MAP = [
  // The Title style names the document; it is not a section of it.
  "p[style-name='Title'] => h1.document-title:fresh",
  "p[style-name='Subtitle'] => p:fresh",
];

/** Pictures are not indexed; an empty src keeps mammoth from inlining them as base64. */
const skipImages = mammoth.images.imgElement(async () => ({src: ""}));

export async function parseDocx(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  // Sizes are checked before mammoth inflates anything: a bomb never reaches memory.
  await checkZipArchive(bytes, limits);
  let result: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    result = await mammoth.convertToHtml(
      {buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)},
      {styleMap: STYLE_MAP, convertImage: skipImages, externalFileAccess: false},
    );
  } catch (error) {
    throw new DesksideError("PARSE_FAILED", "This Word document could not be read; it may be damaged or not really a .docx file.", {cause: error});
  }

  checkMarkupDepth(result.value, limits, "Word document");
  const dom = parseHtmlDom(`<!doctype html><html><body>${result.value}</body></html>`);
  try {
    const body = dom.document.body;
    let title = "";
    for (const titleElement of Array.from(body.querySelectorAll("h1.document-title"))) {
      title ||= collapseWhitespace(titleElement.textContent ?? "");
      titleElement.remove();
    }
    const blocks = blocksFromHtml(body, {firstRowIsHeader: true});
    const firstHeading = headingAsTitle(blocks.find((block) => block.type === "heading" && block.level === 1)?.text);
    // Mammoth's warnings are mostly unknown custom styles, which lose nothing; its errors lose content.
    const warnings = result.messages.filter((message) => message.type === "error").map((message) => `Part of the document could not be read: ${message.message}`);
    return {title: title || firstHeading || titleFromFileName(fileName), kind: "docx", mime: MIME.docx, blocks, meta: {}, warnings};
  } finally {
    dom.close();
  }
}
