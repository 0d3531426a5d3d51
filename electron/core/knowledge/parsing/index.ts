/** Public surface of document parsing and chunking. */
export type {Block, BlockType, Chunk, ChunkOptions, DocumentKind, ParsedDocument} from "./types.js";
export {detectType, type DetectedType} from "./detect-type.js";
export {parseDocument} from "./parse-document.js";
export {parseFile, readDocumentFile} from "./parse-file.js";
export {createParserPool, type ParserPool, type ParserPoolOptions, type ParseRequest} from "./parser-pool.js";
export {chunkDocument, approximateTokenCount} from "./chunker.js";
export {decodeText, type DecodedText} from "./decode-text.js";
