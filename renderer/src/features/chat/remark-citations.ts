/**
 * Turns "[3]" in answer text into links to "#cite-3" so they render as citation chips. Only plain
 * text nodes are touched: code spans and code blocks keep their brackets.
 */
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
}

// "[2]" and also "[1, 3]", which models write often enough.
const CITATION = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
const HAS_CITATION = /\[\d{1,3}(?:\s*,\s*\d{1,3})*\]/;

export const CITE_PREFIX = "#cite-";

export function remarkCitations(options: {max: number}) {
  return (tree: MdNode) => {
    if (options.max > 0) walk(tree, options.max);
  };
}

function walk(node: MdNode, max: number): void {
  if (!node.children || node.type === "link" || node.type === "linkReference") return;
  const next: MdNode[] = [];
  for (const child of node.children) {
    if (child.type === "text" && child.value && HAS_CITATION.test(child.value)) next.push(...split(child.value, max));
    else {
      walk(child, max);
      next.push(child);
    }
  }
  node.children = next;
}

function split(value: string, max: number): MdNode[] {
  const parts: MdNode[] = [];
  let last = 0;
  for (const match of value.matchAll(CITATION)) {
    const numbers = match[1].split(",").map((part) => Number(part.trim()));
    if (numbers.some((number) => number < 1 || number > max)) continue;
    const start = match.index ?? 0;
    if (start > last) parts.push({type: "text", value: value.slice(last, start)});
    for (const number of numbers) parts.push({type: "link", url: `${CITE_PREFIX}${number}`, children: [{type: "text", value: String(number)}]});
    last = start + match[0].length;
  }
  if (last < value.length) parts.push({type: "text", value: value.slice(last)});
  return parts;
}
