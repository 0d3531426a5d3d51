import {describe, expect, it} from "vitest";
import {isSyncedFile} from "./sync-filter.js";

describe("which files a watched folder syncs", () => {
  it("syncs manual pages, Info manuals and gzipped documents as Linux installs them", () => {
    for (const name of ["ssh_config.5", "ssh_config.5.gz", "openssl.1ssl.gz", "Net::FTP.3pm.gz", "tclsh.n", "tool.man", "README.txt.gz", "notes.md.gz", "runbook.pdf.gz", "sed.info.gz", "find.info-2.gz", "grep.info", "runbook.rst", "faq.rst.txt", "notes.rest", "index.rst.gz"]) {
      expect(isSyncedFile(name), name).toBe(true);
    }
  });

  it("leaves out archives, gzipped files that are not documents and temporary copies", () => {
    for (const name of ["backup.tar.gz", "logs.tgz", "app.js.gz", "data.gz", ".gz", "ssh_config.5.gz.part", ".hidden.5", "page.10", "clip.3gp", "backup.7z", "report.2024", "sed.information", "find.info-x.gz"]) {
      expect(isSyncedFile(name), name).toBe(false);
    }
  });
});
