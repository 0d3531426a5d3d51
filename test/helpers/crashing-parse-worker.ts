import "../../electron/core/knowledge/parsing/parse-worker.js";

/** The real parse worker, except that it dies on one file name: a stand-in for a parser crash. */
process.on("message", (job: {fileName: string}) => {
  if (job.fileName === "crash-me.txt") process.exit(3);
});
