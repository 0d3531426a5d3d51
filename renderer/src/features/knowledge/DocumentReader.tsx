import {useEffect, useState} from "react";
import type {DocumentText} from "../../../../shared/contract.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Banner} from "../../ui/Banner.js";
import {Dialog} from "../../ui/Dialog.js";
import {baseName, formatNumber} from "../../ui/format.js";
import {HighlightedText} from "../../ui/HighlightedText.js";
import {Spinner} from "../../ui/Spinner.js";

/** Loads one document's text; a newer request (another citation) always wins over a late answer. */
function useDocumentText(documentId: string, chunkId: string | undefined): {data: DocumentText | null; error: unknown} {
  const client = useClient();
  const [state, setState] = useState<{data: DocumentText | null; error: unknown}>({data: null, error: null});
  useEffect(() => {
    let current = true;
    setState({data: null, error: null});
    client.invoke("knowledge.document", {id: documentId, ...(chunkId ? {chunkId} : {})}).then(
      (data) => current && setState({data, error: null}),
      (error: unknown) => current && setState({data: null, error}),
    );
    return () => {
      current = false;
    };
  }, [client, documentId, chunkId]);
  return state;
}

/**
 * The whole document behind a citation, as the knowledge base holds it, opened at the cited passage
 * (highlighted), so a technician can read what comes before and after a step before acting on it.
 */
export function DocumentReader({documentId, chunkId, title, onClose}: {documentId: string; chunkId?: string; title: string; onClose: () => void}) {
  const {data, error} = useDocumentText(documentId, chunkId);
  const doc = data?.document;
  const facts = doc ? [baseName(doc.sourcePath), doc.collection].filter(Boolean).join(" · ") : undefined;

  return (
    <Dialog title={doc?.title ?? title} description={facts} size="lg" className="document-reader" onClose={onClose}>
      {error ? (
        <Banner tone="danger" title="The document could not be opened">
          {errorMessage(error)}
        </Banner>
      ) : !data ? (
        <div className="dialog-loading" role="status">
          <Spinner size={16} /> Loading the document…
        </div>
      ) : (
        <>
          {data.truncated && (
            <Banner tone="info">
              This document is very long: the first {formatNumber(data.text.length)} characters are shown here. The rest is in the file itself.
            </Banner>
          )}
          {chunkId && !data.highlight && <Banner tone="neutral">The cited passage is not in the part shown here; the document may have changed since the answer.</Banner>}
          <HighlightedText text={data.text} highlight={data.highlight} label="Document text" className="document-text" />
        </>
      )}
    </Dialog>
  );
}
