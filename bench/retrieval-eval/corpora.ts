/**
 * Third-party documentation corpora for the retrieval evaluation. Each comes from a Debian `-doc`
 * package (installed offline from the distribution's archive); `prepareCorpus` installs the package
 * when it is missing and this runs as root, lists its files with `dpkg -L`, and where a corpus is
 * meant to be read as PDF, prints the HTML pages to PDF with headless Chromium (cached).
 *
 * The Debian Administrator's Handbook and the Debian Reference are deliberately not used here.
 */
import {execFileSync, spawnSync} from "node:child_process";
import {existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import os from "node:os";
import path from "node:path";
import type {LabelledQuestion} from "./evaluate.js";

export interface CorpusDefinition {
  id: string;
  /** Debian package that ships the documentation. */
  debianPackage: string;
  /** More packages whose files under `root` belong to the corpus. */
  extraPackages?: string[];
  /**
   * Judge a hit by the section it comes from (its document and the heading a question names, which
   * must be on the hit's heading path), not by its document alone: for corpora of few long manuals,
   * where the document is nearly always right and the section is what a reader needs.
   */
  judgeBySection?: boolean;
  /** Folder the question labels are relative to. */
  root: string;
  /** Which of the package's files belong to the corpus (path relative to root). */
  include: (relative: string) => boolean;
  /** Import PDF renderings of the HTML pages instead of the pages themselves. */
  asPdf?: boolean;
  /** Import the manual pages as `man` renders them to plain text (`<label>.txt`) instead of their roff source. */
  asManText?: boolean;
  /** PDFs the package ships gzipped (relative to root), imported as they are beside the included files. */
  shippedPdfs?: string[];
  /** The question set asked (file in questions/, without .json); default: the corpus id. */
  questions?: string;
  /** The imported file's label for a question's answer file, where the corpus holds that text in another file. */
  relabel?: (answerFile: string) => string;
  description: string;
}

/**
 * A page that is a symbolic link to another page of the package is left out, as the walker leaves
 * out a second copy of a file: the linked page is imported once, under its own name.
 */
function notALink(root: string): (relative: string) => boolean {
  return (relative) => !lstatSync(path.join(root, relative)).isSymbolicLink();
}

/** systemd's English manual pages as installed (gzipped roff), links to other pages left out. */
const isSystemdPage = (relative: string): boolean => /^man[1-8]\/[^/]+\.gz$/.test(relative) && notALink("/usr/share/man")(relative);

export const CORPORA: CorpusDefinition[] = [
  {
    id: "postfix",
    debianPackage: "postfix-doc",
    root: "/usr/share/doc/postfix/html",
    include: (rel) => !rel.includes("/") && rel.endsWith(".html"),
    description: "Postfix guides and manual pages (HTML)",
  },
  {
    id: "krb5",
    debianPackage: "krb5-doc",
    root: "/usr/share/doc/krb5-doc",
    include: (rel) =>
      rel.endsWith(".html") && !/^(_static|appdev|formats)\//.test(rel) && !["genindex.html", "search.html"].includes(path.basename(rel)),
    description: "MIT Kerberos user, administrator and plug-in guides (Sphinx HTML)",
  },
  {
    id: "git",
    debianPackage: "git-doc",
    root: "/usr/share/doc/git-doc",
    include: (rel) => !rel.includes("/") && rel.endsWith(".html"),
    description: "Git manual pages, guides and user manual (HTML)",
  },
  {
    id: "bind9",
    debianPackage: "bind9-doc",
    root: "/usr/share/doc/bind9-doc/arm",
    include: (rel) =>
      [
        "chapter1.html", "chapter2.html", "chapter3.html", "chapter4.html", "chapter5.html", "chapter6.html", "chapter7.html",
        "chapter9.html", "chapter10.html", "dnssec-guide.html", "general.html", "history.html", "manpages.html", "notes.html", "reference.html",
      ].includes(rel),
    asPdf: true,
    description: "BIND 9 Administrator Reference Manual, one PDF per part (printed from the HTML)",
  },
  {
    id: "postgres",
    debianPackage: "postgresql-doc-15",
    root: "/usr/share/doc/postgresql-doc-15/html",
    // The whole manual as a team would drop it, less the generated alphabetical index.
    include: (rel) => !rel.includes("/") && rel.endsWith(".html") && rel !== "bookindex.html",
    description: "PostgreSQL 15 manual (DocBook HTML, 1,172 pages)",
  },
  {
    id: "systemd-man",
    debianPackage: "systemd",
    root: "/usr/share/man",
    include: isSystemdPage,
    description: "systemd's manual pages as Linux installs them (gzipped roff, man macros)",
  },
  {
    id: "apache",
    debianPackage: "apache2-doc",
    root: "/usr/share/doc/apache2-doc/manual",
    // The manual as shipped, in eleven languages (a translated page's file beside the English one).
    include: (rel) => rel.endsWith(".html") && notALink("/usr/share/doc/apache2-doc/manual")(rel),
    description: "Apache HTTP Server 2.4 manual in eleven languages (HTML), asked in English",
  },
  {
    id: "gnu-info",
    debianPackage: "coreutils",
    extraPackages: ["findutils", "sed", "grep", "diffutils", "wget", "gzip", "gnupg", "time", "bzip2-doc"],
    root: "/usr/share/info",
    // Each manual once: a split manual's parts, not its main file, which only lists them.
    include: (rel) => /^(coreutils|find|sed|grep|diffutils|wget|gzip|gnupg|time|bzip2)\.info(-\d+)?\.gz$/.test(rel) && !/^(find|gnupg)\.info\.gz$/.test(rel),
    judgeBySection: true,
    description: "GNU manuals as Info files (coreutils, findutils, sed, grep, diffutils, wget, gzip, GnuPG, time, bzip2), gzipped as installed, judged by section",
  },
  {
    id: "borg",
    debianPackage: "borgbackup-doc",
    root: "/usr/share/doc/borgbackup/html/_sources",
    // The manual's reStructuredText sources as the package ships them; the pages that only include
    // generated files (the command references) fail as such, as they would for a user.
    include: (rel) => rel.endsWith(".rst.txt"),
    description: "BorgBackup's manual as its reStructuredText sources (the .rst.txt files of the built Sphinx site)",
  },
];

/**
 * Corpora mixed the way a team's folder is: many small pages beside one long manual of the same
 * subject. They test whether the long document crowds the pages out (each of its passages is a
 * candidate, and its many matches add document evidence). Run on request (`--corpora`), not in the
 * default set, so the five-corpus figures stay comparable from run to run.
 */
export const MIXED_CORPORA: CorpusDefinition[] = [
  {
    id: "systemd-man-text",
    debianPackage: "systemd",
    root: "/usr/share/man",
    include: isSystemdPage,
    asManText: true,
    questions: "systemd-man",
    description: "The same systemd pages rendered to plain text by man (groff), as a user could do by hand: a reference for the roff reader",
  },
  {
    id: "krb5-mixed",
    debianPackage: "krb5-doc",
    root: "/usr/share/doc/krb5-doc",
    include: (rel) =>
      rel.endsWith(".html") && !/^(_static|appdev|formats|admin)\//.test(rel) && !["genindex.html", "search.html"].includes(path.basename(rel)),
    shippedPdfs: ["admin.pdf.gz"],
    questions: "krb5",
    relabel: (file) => (file.startsWith("admin/") ? "admin.pdf" : file),
    description: "MIT Kerberos: the user, basic and plug-in guides as HTML pages beside the whole administration guide as the one PDF the package ships",
  },
  {
    id: "borg-html",
    debianPackage: "borgbackup-doc",
    root: "/usr/share/doc/borgbackup/html",
    include: (rel) => rel.endsWith(".html") && !["genindex.html", "search.html"].includes(path.basename(rel)),
    questions: "borg",
    relabel: (file) => file.replace(/\.rst\.txt$/, ".html"),
    description: "The same BorgBackup manual as the built HTML pages beside its sources (they also hold the included command references): a reference for the reStructuredText reader",
  },
  {
    id: "borg-sections",
    debianPackage: "borgbackup-doc",
    root: "/usr/share/doc/borgbackup/html/_sources",
    include: (rel) => rel.endsWith(".rst.txt"),
    questions: "borg",
    judgeBySection: true,
    description: "BorgBackup's reStructuredText sources, the same questions judged by section",
  },
];

export interface PreparedCorpus {
  definition: CorpusDefinition;
  /** Absolute paths of the files to import. */
  files: string[];
  /** The label key of an imported file: its path relative to the corpus root (PDFs: `name.pdf`). */
  labelOf: (importedPath: string) => string;
}

export const CACHE_DIR = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "deskside-eval");

function packageInstalled(name: string): boolean {
  return spawnSync("dpkg-query", ["-W", "-f=${Status}", name], {encoding: "utf8"}).stdout?.includes("install ok installed") ?? false;
}

/** Whether the packages are there, installed first where this runs as root; false where they cannot be (tests skip then). */
export function packagesAvailable(names: string[]): boolean {
  try {
    ensurePackages(names);
    return true;
  } catch {
    return false;
  }
}

/** Installs the Debian packages that are missing (needs root and the distribution's archive). */
export function ensurePackages(names: string[]): void {
  const missing = names.filter((name) => !packageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`Missing documentation packages: ${missing.join(" ")}. Install them with: sudo apt-get install ${missing.join(" ")}`);
  execFileSync("apt-get", ["update", "-qq"], {stdio: "ignore"});
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], {stdio: "ignore", env: {...process.env, DEBIAN_FRONTEND: "noninteractive"}});
}

/** Every package a corpus's files come from. */
export function corpusPackages(definition: CorpusDefinition): string[] {
  return [definition.debianPackage, ...(definition.extraPackages ?? [])];
}

function packageFiles(definition: CorpusDefinition): string[] {
  // Packages may list the same folder or file (each lists /usr/share/info): once each.
  const listed = new Set(corpusPackages(definition).flatMap((name) => execFileSync("dpkg", ["-L", name], {encoding: "utf8"}).split("\n")));
  const prefix = definition.root + "/";
  return [...listed]
    .filter((file) => file.startsWith(prefix) && existsSync(file) && statSync(file).isFile())
    .filter((file) => definition.include(file.slice(prefix.length)))
    .sort();
}

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--no-pdf-header-footer"];

function chromium(): string {
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) if (existsSync(candidate)) return candidate;
  throw new Error("Chromium is needed to print the PDF corpus: apt-get install chromium");
}

/** `source` (a `.gz` file) unpacked into `outDir` once; later calls reuse the file. */
export function unpackOnce(source: string, outDir: string): string {
  mkdirSync(outDir, {recursive: true});
  const target = path.join(outDir, path.basename(source).replace(/\.gz$/, ""));
  if (!existsSync(target)) writeFileSync(target, gunzipSync(readFileSync(source)));
  return target;
}

/** Each shipped `name.pdf.gz`, unpacked to `<cache>/<corpus>-shipped/name.pdf`. */
function unpackShipped(definition: CorpusDefinition): string[] {
  return (definition.shippedPdfs ?? []).map((relative) => unpackOnce(path.join(definition.root, relative), path.join(CACHE_DIR, `${definition.id}-shipped`)));
}

/** Renders each manual page to `<cache>/<corpus>-text/<section>/<name>.txt` with man once; later runs reuse the files. */
function renderManText(definition: CorpusDefinition, pages: string[]): string[] {
  const outDir = path.join(CACHE_DIR, `${definition.id}-text`);
  return pages.map((page) => {
    const relative = path.relative(definition.root, page);
    const text = path.join(outDir, `${relative}.txt`);
    if (!existsSync(text) || statSync(text).size === 0) {
      mkdirSync(path.dirname(text), {recursive: true});
      const rendered = execFileSync("sh", ["-c", 'MANWIDTH=100 man -l "$1" | col -b', "man-text", page], {encoding: "utf8", maxBuffer: 64 * 1024 * 1024});
      writeFileSync(text, rendered);
    }
    return text;
  });
}

/** Prints each HTML page to `<cache>/<corpus>-pdf/<name>.pdf` once; later runs reuse the files. */
function printToPdf(definition: CorpusDefinition, htmlFiles: string[]): string[] {
  const outDir = path.join(CACHE_DIR, `${definition.id}-pdf`);
  mkdirSync(outDir, {recursive: true});
  const browser = chromium();
  return htmlFiles.map((html) => {
    const pdf = path.join(outDir, path.basename(html).replace(/\.html$/, ".pdf"));
    if (!existsSync(pdf) || statSync(pdf).size === 0) {
      const userData = path.join(os.tmpdir(), `deskside-eval-chromium-${process.pid}`);
      execFileSync(browser, [...CHROMIUM_FLAGS, `--user-data-dir=${userData}`, `--print-to-pdf=${pdf}`, `file://${html}`], {stdio: "ignore", timeout: 180_000});
    }
    return pdf;
  });
}

export function prepareCorpus(definition: CorpusDefinition): PreparedCorpus {
  ensurePackages(corpusPackages(definition));
  const sources = packageFiles(definition);
  if (sources.length === 0) throw new Error(`No files found for corpus ${definition.id} in ${definition.root}`);
  const converted = definition.asPdf ? printToPdf(definition, sources) : definition.asManText ? renderManText(definition, sources) : sources;
  const files = [...converted, ...unpackShipped(definition)];
  const root = definition.root + "/";
  const textRoot = path.join(CACHE_DIR, `${definition.id}-text`) + "/";
  return {
    definition,
    files,
    labelOf: (imported) =>
      definition.asPdf || imported.endsWith(".pdf") ? path.basename(imported)
      : definition.asManText && imported.startsWith(textRoot) ? imported.slice(textRoot.length).replace(/\.txt$/, "")
      : imported.startsWith(root) ? imported.slice(root.length)
      : path.basename(imported),
  };
}

export function corpusById(id: string): CorpusDefinition {
  const known = [...CORPORA, ...MIXED_CORPORA];
  const found = known.find((c) => c.id === id);
  if (!found) throw new Error(`Unknown corpus "${id}"; known: ${known.map((c) => c.id).join(", ")}`);
  return found;
}

/** The questions asked of a corpus, each answer file named as the corpus holds it. */
export function questionsFor(definition: CorpusDefinition, load: (id: string) => LabelledQuestion[]): LabelledQuestion[] {
  const questions = load(definition.questions ?? definition.id);
  const relabel = definition.relabel;
  if (!relabel) return questions;
  return questions.map((q) => ({...q, files: [...new Set(q.files.map(relabel))]}));
}
