/**
 * PDF.js (through unpdf) is written for runtimes newer than Node 20, on which the headless server
 * may run. Building a page's operator list compiles each font with
 * `ArrayBuffer.prototype.transferToFixedLength` (Node 21+); without it the font throws, and PDF.js,
 * ignoring errors, ends that page's operator list at the first text it meets. Images after it were
 * lost: a scanned page with a stamped page number was neither read by OCR nor reported. A copy
 * stands in for the transfer (PDF.js does not touch the source buffer afterwards).
 */
if (typeof (ArrayBuffer.prototype as {transferToFixedLength?: unknown}).transferToFixedLength !== "function") {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length: number = this.byteLength): ArrayBuffer {
      const copy = new ArrayBuffer(length);
      new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return copy;
    },
  });
}

export {};
