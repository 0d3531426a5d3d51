import {parentPort} from "node:worker_threads";
import {parseDocument} from "./parse-document.js";
import {parseFile} from "./parse-file.js";
import {failureReply, type ParseJob, type ParseReply} from "./worker-protocol.js";

/**
 * Worker-thread entry of the parser pool: parsing a 300-page PDF or a 50 MB CSV takes seconds of
 * pure CPU, which must not freeze the window or the HTTP server. One job at a time per thread.
 */

const port = parentPort;
if (!port) throw new Error("parse-worker must be started as a worker thread by the parser pool.");

port.on("message", (job: ParseJob) => {
  void handle(job).then((reply) => {
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage(failureReply(job.id, error));
    }
  });
});

async function handle(job: ParseJob): Promise<ParseReply> {
  try {
    const document = job.path !== undefined ? await parseFile(job.path, job.fileName) : await parseDocument(job.bytes, job.fileName);
    return {id: job.id, ok: true, document};
  } catch (error) {
    return failureReply(job.id, error);
  }
}
