import {DesksideError} from "../../../../shared/errors.js";
import {decodeText} from "./decode-text.js";
import {baseNameOf, titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {READER_MARKERS, readInfoFile} from "./info/info-file.js";
import {nodeBlocks} from "./info/info-node-text.js";
import {MIME} from "./mime.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * GNU Info manuals as Linux installs them (`/usr/share/info/coreutils.info.gz`): the manuals of
 * coreutils, grep, sed, find, tar, bash and most GNU software, which their manual pages only
 * summarise. Read as `info` shows them: each chapter and section a heading, option tables as one
 * list item per option, examples as code, without the menus, index and the reader's tables.
 * A large manual is split into parts (`find.info-1`, `find.info-2`); each part reads on its own,
 * and the main file, which only lists them, fails naming them.
 */

export async function parseInfo(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const info = readInfoFile(decoded.text.replace(/^\ufeff/, "").replace(READER_MARKERS, ""));
  const manual = info.nodes[0]?.file ?? baseNameOf(fileName);
  if (info.nodes.length === 0 && info.parts.length > 0) {
    throw new DesksideError("FILE_EMPTY", `This is the main file of a split Info manual: it only lists its parts (${info.parts.join(", ")}), which hold the text and are imported as documents of their own.`, {
      details: {parts: info.parts},
    });
  }
  if (info.nodes.some((node) => node.file === "dir" && node.name === "Top")) {
    throw new DesksideError("FILE_EMPTY", "This is Info's list of installed manuals, not a manual; import the manuals' own files.");
  }

  const blocks: Block[] = [];
  const headings = new HeadingPath();
  let topTitle: string | undefined;
  for (const node of info.nodes) {
    const nodeText = nodeBlocks(node.lines);
    // A node that does not open with a heading (rare: hand-written Info) is still a section, under its name.
    if (nodeText.length > 0 && nodeText[0].type !== "heading") nodeText.unshift({type: "heading", text: node.name, level: Math.min(6, headings.current().length + 1)});
    for (const block of nodeText) {
      if (block.type === "heading") {
        const level = block.level ?? 1;
        if (node.name === "Top" && topTitle === undefined) topTitle = block.text;
        blocks.push({type: "heading", text: block.text, level, headingPath: headings.enter(level, block.text)});
      } else {
        blocks.push({type: block.type, text: block.text, headingPath: headings.current()});
      }
    }
  }

  return {
    title: titleOf(topTitle, fileName, manual),
    kind: "info",
    mime: MIME.info,
    blocks,
    meta: {encoding: decoded.encoding, manual, nodes: info.nodes.length},
    warnings: decoded.warnings,
  };
}

/**
 * The manual's own name for itself ("GNU Coreutils"), from its top node. A part of a split manual
 * without the top node is named after its file: "find.info, part 2".
 */
function titleOf(topTitle: string | undefined, fileName: string, manual: string): string {
  const part = /\.info-(\d+)$/i.exec(baseNameOf(fileName));
  const own = topTitle?.replace(/[\u2018\u2019]/g, "").trim();
  if (own) return part ? `${own}, part ${part[1]}` : own;
  if (part) return `${manual}, part ${part[1]}`;
  return titleFromFileName(manual);
}
