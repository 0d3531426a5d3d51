import {gzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {detectType} from "./detect-type.js";
import {parseDocument} from "./parse-document.js";
import type {Block} from "./types.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

/** A page in the man macros, written the way generators (DocBook, Asciidoctor, pod2man) write them. */
const MAN_PAGE = String.raw`'\" t
.\" Title: spoold.conf
.\" A comment that must not reach the text
.TH "SPOOLD\&.CONF" "5" "March 2026" "spoold 2.1" "File Formats"
.ie \n(.g .ds Aq \(aq
.el       .ds Aq '
.de XX
this macro body is never text
..
.nh
.ad l
.SH "NAME"
spoold.conf \- configuration of the print spooler daemon
.SH "DESCRIPTION"
.PP
\fBspoold\fR
reads
\fI/etc/spoold\&.conf\fR
at start\&. Lines starting with \(aq#\(aq are comments \(em they are
ignored\&.
.SH "OPTIONS"
.TP
\fB\-q\fR, \fB\-\-queue\-limit\fR=\fIN\fR
Refuse new jobs once \fIN\fR jobs are waiting\&.
.TP
.B \-\-retry
Send a failed job again after the printer comes back\&.
.PP
\fBPurgeAfter=\fR
.RS 4
Removes finished jobs after this many hours; see
.BR spoolctl (1)
for purging by hand\&.
.RE
.SS "Queue states"
.TS
allbox tab(:);
lB lB.
T{
State
T}:T{
Meaning
T}
.T&
l l.
T{
held
T}:T{
Waiting for an operator to release it
T}
paused:Printer is offline
.TE
.SH "EXAMPLE"
.PP
A queue for the office printer:
.sp
.if n \{\
.RS 4
.\}
.nf
[office]
device = usb://lp0
limit  = 20
.fi
.if n \{\
.RE
.\}
.SH "NOTES"
.ie n \{\
\h'-04' 1.\h'+01'\c
.\}
.el \{\
.IP "  1." 4.2
.\}
Restart with \*(Aqspoolctl restart\*(Aq after editing\&.
`;

/** A page in mdoc, the macros of OpenSSH and the BSDs. */
const MDOC_PAGE = String.raw`.\" Copyright notice that must not reach the text
.Dd March 1, 2026
.Dt TUNNEL 1
.Os
.Sh NAME
.Nm tunnel
.Nd open an encrypted tunnel to a help desk host
.Sh SYNOPSIS
.Nm
.Op Fl v
.Op Fl p Ar port
.Ar destination
.Sh DESCRIPTION
.Nm
connects to
.Sm off
.Oo Ar user @ Oc Ar host
.Sm on
and forwards a port.
The options are as follows:
.Bl -tag -width Ds
.It Fl p Ar port
Port to connect to on the remote host.
See
.Xr tunnel_config 5 .
.It Fl L Xo
.Sm off
.Oo Ar bind_address : Oc
.Ar port
.Sm on
.Xc
Listen on a local port.
.It Fl v
Verbose mode.
.El
.Pp
Example:
.Bd -literal -offset indent
$ tunnel -p 2222 alice@gateway
.Ed
.Bl -column "Exit code" "Meaning"
.It Sy Exit code Ta Sy Meaning
.It 0 Ta connected
.El
.Sh EXIT STATUS
.Ex -std
`;

const texts = (blocks: Block[], type?: Block["type"]): string[] => blocks.filter((block) => !type || block.type === type).map((block) => block.text);

describe("manual pages (roff)", () => {
  it("reads the man macros as a terminal shows them: sections, option items, tables and examples", async () => {
    const doc = await parseDocument(utf8(MAN_PAGE), "spoold.conf.5");
    expect(doc.kind).toBe("manpage");
    expect(doc.mime).toBe("text/troff");
    // .TH capitalises the name; the NAME section spells it as typed
    expect(doc.title).toBe("spoold.conf(5)");
    expect(doc.meta).toMatchObject({section: "5", macros: "man"});
    expect(texts(doc.blocks, "heading")).toEqual(["NAME", "DESCRIPTION", "OPTIONS", "Queue states", "EXAMPLE", "NOTES"]);
    const all = texts(doc.blocks).join("\n");
    expect(all).not.toMatch(/\\f|\\-|\\\(|\\&|\.TH|comment that must not|macro body|allbox|lB/);

    expect(doc.blocks[1]).toEqual({type: "paragraph", text: "spoold.conf - configuration of the print spooler daemon", headingPath: ["NAME"]});
    expect(texts(doc.blocks)).toContain("spoold reads /etc/spoold.conf at start. Lines starting with '#' are comments \u2014 they are ignored.");

    const items = doc.blocks.filter((block) => block.type === "list-item");
    expect(items.map((item) => item.text)).toEqual([
      "-q, --queue-limit=N\nRefuse new jobs once N jobs are waiting.",
      "--retry\nSend a failed job again after the printer comes back.",
      // DocBook's tag paragraph with its description indented under it: one item
      "PurgeAfter=\nRemoves finished jobs after this many hours; see spoolctl(1) for purging by hand.",
    ]);
    expect(items.every((item) => item.headingPath.join(" > ") === "OPTIONS")).toBe(true);

    const rows = doc.blocks.filter((block) => block.type === "table-row");
    expect(rows.map((row) => row.text)).toEqual(["State | Meaning", "held | Waiting for an operator to release it", "paused | Printer is offline"]);
    expect(rows[0].headingPath).toEqual(["OPTIONS", "Queue states"]);

    expect(doc.blocks.find((block) => block.type === "code")).toEqual({type: "code", text: "[office]\ndevice = usb://lp0\nlimit  = 20", headingPath: ["EXAMPLE"]});
    // the terminal's branch of .ie n is taken, troff's left out; \c joins the number to its step
    expect(doc.blocks[doc.blocks.length - 1]).toEqual({type: "paragraph", text: "1. Restart with 'spoolctl restart' after editing.", headingPath: ["NOTES"]});
  });

  it("reads mdoc: the name line, flags and arguments, references, unspaced runs, columns and literal blocks", async () => {
    const doc = await parseDocument(utf8(MDOC_PAGE), "tunnel.1");
    expect(doc.kind).toBe("manpage");
    expect(doc.title).toBe("tunnel(1)");
    expect(doc.meta).toMatchObject({section: "1", macros: "mdoc"});
    expect(texts(doc.blocks, "heading")).toEqual(["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS"]);
    expect(texts(doc.blocks)).toEqual([
      "NAME",
      "tunnel \u2014 open an encrypted tunnel to a help desk host",
      "SYNOPSIS",
      "tunnel [-v] [-p port] destination",
      "DESCRIPTION",
      "tunnel connects to [user@]host and forwards a port. The options are as follows:",
      "-p port\nPort to connect to on the remote host. See tunnel_config(5).",
      "-L [bind_address:]port\nListen on a local port.",
      "-v\nVerbose mode.",
      "Example:",
      "$ tunnel -p 2222 alice@gateway",
      "Exit code | Meaning",
      "0 | connected",
      "EXIT STATUS",
      "The tunnel utility exits 0 on success, and >0 if an error occurs.",
    ]);
    expect(doc.blocks.find((block) => block.text.startsWith("$ tunnel"))?.type).toBe("code");
    expect(doc.blocks.find((block) => block.text === "0 | connected")?.type).toBe("table-row");
  });

  it("is told apart from text by its content, whatever the name", async () => {
    expect((await detectType(utf8(MDOC_PAGE), "tunnel")).kind).toBe("manpage");
    expect((await detectType(utf8(MAN_PAGE), "notes.txt")).kind).toBe("manpage");
    // prose that mentions the requests is still prose
    const prose = "How to write a manual page\n\nStart the file with a .TH line, then a .SH NAME section.\n";
    expect((await detectType(utf8(prose), "howto.txt")).kind).toBe("text");
  });

  it("names the page that a pointer page stands for instead of importing nothing", async () => {
    const error = await expectDesksideError(parseDocument(utf8('.\\" alias page\n.so man8/spoold.8\n'), "spoolerd.8"));
    expect(error.code).toBe("FILE_EMPTY");
    expect(error.message).toMatch(/only points to another one \(man8\/spoold\.8\); import that page instead/);
  });

  it("survives a definition that never ends, an unclosed branch and strings that name themselves or fan out", async () => {
    const hostile = ".TH LOOP 1\n.ds L a\\*Lb\n.SH NAME\nloop \\- \\*L\n.if t \\{\\\n.SH HIDDEN\nnever shown\n.de NEVER\n.SH GONE\n";
    const doc = await parseDocument(utf8(hostile), "loop.1");
    // the string reads as empty inside itself
    expect(texts(doc.blocks)).toEqual(["NAME", "loop - ab"]);

    // each string uses the next ten times: 10^8 characters if expanded in full
    const names = ["A", "B", "C", "D", "E", "F", "G", "H"];
    const definitions = names.map((name, i) => `.ds ${name} ${i + 1 < names.length ? `\\*${names[i + 1]}`.repeat(10) : "x"}`).join("\n");
    const started = performance.now();
    const fan = await parseDocument(utf8(`.TH FAN 1\n${definitions}\n.SH NAME\nfan \\- \\*A\n`), "fan.1");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(fan.blocks[1].text).toMatch(/^fan - x+$/);
    expect(fan.blocks[1].text.length).toBeLessThanOrEqual(1024 + 6);
  });
});

describe("gzipped files", () => {
  it("reads a gzipped manual page as the page inside it", async () => {
    const doc = await parseDocument(gzipSync(utf8(MAN_PAGE)), "spoold.conf.5.gz");
    expect(doc.kind).toBe("manpage");
    expect(doc.title).toBe("spoold.conf(5)");
    expect(doc.meta.compression).toBe("gzip");
  });

  it("reads any document gzipped, its type decided by its content and inner name", async () => {
    const text = await parseDocument(gzipSync(utf8("RESTART NOTES\n\nStop the spooler, then start it.\n")), "notes.txt.gz");
    expect(text.kind).toBe("text");
    expect(text.title).toBe("RESTART NOTES");
    const markdown = await parseDocument(gzipSync(utf8("# VPN\n\n- Reconnect\n- Reboot\n")), "vpn.md.gz");
    expect(markdown.kind).toBe("markdown");
  });

  it("fails a gzip bomb alone with FILE_TOO_LARGE, without unpacking past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x41));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = await expectDesksideError(parseDocument(bomb, "huge.txt.gz", {maxUnpackedBytes: 1024 * 1024}));
    expect(error.code).toBe("FILE_TOO_LARGE");
    expect(error.message).toMatch(/unpacks to more than 1 MB/);
  });

  it("says a cut-off gzip is damaged, and that a gzip inside a gzip is an archive to unpack", async () => {
    const whole = gzipSync(utf8(MAN_PAGE));
    const cut = await expectDesksideError(parseDocument(whole.subarray(0, Math.floor(whole.length / 2)), "spoold.conf.5.gz"));
    expect(cut.code).toBe("PARSE_FAILED");
    expect(cut.message).toMatch(/damaged or cut off/);
    const nested = await expectDesksideError(parseDocument(gzipSync(gzipSync(utf8("text"))), "twice.gz"));
    expect(nested.code).toBe("UNSUPPORTED_TYPE");
    expect(nested.message).toMatch(/archive/);
  });
});
