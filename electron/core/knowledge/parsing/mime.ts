/** MIME types Deskside stores for each kind of document it imports. */
export const MIME = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  html: "text/html",
  markdown: "text/markdown",
  text: "text/plain",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  jsonl: "application/x-ndjson",
  png: "image/png",
  jpeg: "image/jpeg",
  tiff: "image/tiff",
  email: "message/rfc822",
  outlook: "application/vnd.ms-outlook",
  mbox: "application/mbox",
  troff: "text/troff",
} as const;
