/** Public surface of document parsing and chunking. */
export type {Block, BlockType, Chunk, ChunkOptions, DocumentKind, ParsedDocument} from "./types.js";
export {detectType, type DetectedType} from "./detect-type.js";
export {parseDocument} from "./parse-document.js";
export {parseFile, readDocumentFile} from "./parse-file.js";
export {createParserPool, type ParserPool, type ParserPoolOptions, type ParseRequest, type PrepareRequest} from "./parser-pool.js";
export {prepareDocument, type ChunkingRequest, type PreparedDocument} from "./prepare-document.js";
export {DEFAULT_FILE_LIMITS, type FileLimits} from "./file-limits.js";
export {tokenizerSpecFor, type TokenizerSpec} from "./tokenizer-spec.js";
export {chunkDocument, approximateTokenCount} from "./chunker.js";
export {decodeText, type DecodedText} from "./decode-text.js";
