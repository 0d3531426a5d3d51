import {Children, isValidElement, memo, useMemo, type ReactElement, type ReactNode} from "react";
import ReactMarkdown, {type Components} from "react-markdown";
import remarkGfm from "remark-gfm";
import {CopyButton} from "../../ui/CopyButton.js";
import {CITE_PREFIX, remarkCitations} from "./remark-citations.js";

/** Answer Markdown with GitHub extensions, copyable code blocks and clickable [n] citations. */
export const Markdown = memo(function Markdown({text, citationCount = 0, onCitation}: {text: string; citationCount?: number; onCitation?: (index: number) => void}) {
  const plugins = useMemo(() => [remarkGfm, [remarkCitations, {max: citationCount}] as const], [citationCount]);
  const components = useMemo<Components>(
    () => ({
      pre: CodeBlock,
      a({href, children}) {
        if (href?.startsWith(CITE_PREFIX)) {
          const index = Number(href.slice(CITE_PREFIX.length));
          return (
            <button type="button" className="cite-inline" aria-label={`Source ${index}`} onClick={() => onCitation?.(index)}>
              {index}
            </button>
          );
        }
        return (
          <a href={href} target="_blank" rel="noreferrer noopener">
            {children}
          </a>
        );
      },
      table({children}) {
        return (
          <div className="md-table-wrap">
            <table>{children}</table>
          </div>
        );
      },
    }),
    [onCitation],
  );
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={plugins as never} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

function CodeBlock({children}: {children?: ReactNode}) {
  const code = Children.toArray(children).find(isValidElement) as ReactElement<{className?: string; children?: ReactNode}> | undefined;
  const language = /language-([\w+-]+)/.exec(code?.props.className ?? "")?.[1] ?? "";
  const text = textOf(code?.props.children).replace(/\n$/, "");
  return (
    <div className="code-block">
      <div className="code-block-header">
        <span className="code-block-lang">{language || "text"}</span>
        <CopyButton text={text} label="Copy code" />
      </div>
      <pre>{children}</pre>
    </div>
  );
}

function textOf(node: ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (isValidElement<{children?: ReactNode}>(node)) return textOf(node.props.children);
  return "";
}
