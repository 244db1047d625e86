// Streaming reader for JSON documents too large to hold as one string (an NVD export of 300,000 CVEs
// is about 1 GB): yields each element of one top-level array (e.g. `vulnerabilities`) as its own
// text, and collects everything else (the "skeleton", with that array emptied) so the caller can
// check the whole document is well-formed. Works on bytes: UTF-8 continuation bytes never equal a
// JSON structural character, so multi-byte text needs no decoding here.
import { createReadStream } from 'node:fs';

const QUOTE = 0x22, BSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d, COLON = 0x3a, COMMA = 0x2c;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export interface StreamedElement { text: string; index: number; line: number }

/**
 * Yields the elements of the array under top-level key `key`; at the end, `skeleton()` returns the rest
 * of the document as text (to be JSON.parse'd, which checks it).
 */
export function streamArray(file: string, key: string): { elements: AsyncGenerator<StreamedElement>; skeleton(): string } {
  const skeletonParts: Buffer[] = [];
  const keyBytes = Buffer.from(JSON.stringify(key));
  async function* run(): AsyncGenerator<StreamedElement> {
    let depth = 0; let inStr = false; let esc = false;
    let strStart = -1; let strBuf: Buffer[] = []; // string being read at depth 1 (a possible key)
    let lastKeyMatch = false; let afterColon = false;
    let inArray = false; let elemParts: Buffer[] | null = null; let elemStart = 0; let elemPrimitive = false;
    let index = 0; let line = 1; let elemLine = 1;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      let skelFrom = inArray ? -1 : 0; // start of the skeleton slice in this chunk (-1: inside the array)
      if (elemParts) elemStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (c === 0x0a) line++;
        if (inStr) {
          if (esc) esc = false;
          else if (c === BSLASH) esc = true;
          else if (c === QUOTE) {
            inStr = false;
            if (depth === 1 && !inArray && strStart >= 0) {
              strBuf.push(chunk.subarray(strStart, i + 1));
              lastKeyMatch = Buffer.concat(strBuf).equals(keyBytes);
              strStart = -1; strBuf = [];
            }
          }
          continue;
        }
        if (inArray && depth === 2 && !elemParts) {
          if (isWs(c) || c === COMMA) continue;
          if (c === RBRACK) { inArray = false; depth = 1; skelFrom = i; continue; }
          elemParts = []; elemStart = i; elemLine = line; elemPrimitive = c !== LBRACE && c !== LBRACK;
          if (c === QUOTE) { inStr = true; continue; }
          if (!elemPrimitive) { depth++; continue; }
          continue;
        }
        if (c === QUOTE) {
          inStr = true;
          if (depth === 1 && !inArray) { strStart = i; strBuf = []; }
          continue;
        }
        if (inArray && elemPrimitive && depth === 2 && (c === COMMA || c === RBRACK)) {
          elemParts!.push(chunk.subarray(elemStart, i));
          yield { text: Buffer.concat(elemParts!).toString('utf8').trim(), index: index++, line: elemLine };
          elemParts = null;
          if (c === RBRACK) { inArray = false; depth = 1; skelFrom = i; }
          continue;
        }
        if (c === LBRACE || c === LBRACK) {
          if (depth === 1 && c === LBRACK && afterColon && lastKeyMatch && !inArray) {
            inArray = true; depth = 2; afterColon = false; lastKeyMatch = false;
            skeletonParts.push(chunk.subarray(skelFrom, i + 1));
            skelFrom = -1;
            continue;
          }
          depth++; afterColon = false;
          continue;
        }
        if (c === RBRACE || c === RBRACK) {
          depth--;
          if (inArray && depth === 2 && elemParts) {
            elemParts.push(chunk.subarray(elemStart, i + 1));
            yield { text: Buffer.concat(elemParts).toString('utf8'), index: index++, line: elemLine };
            elemParts = null;
          }
          continue;
        }
        if (c === COLON && depth === 1) { afterColon = true; continue; }
        if (!isWs(c) && depth === 1) afterColon = false;
      }
      if (elemParts) elemParts.push(chunk.subarray(elemStart));
      if (depth === 1 && !inArray && strStart >= 0) { strBuf.push(chunk.subarray(strStart)); strStart = 0; }
      if (skelFrom >= 0) skeletonParts.push(chunk.subarray(skelFrom));
    }
    if (inArray) throw new Error('the document ends inside the array');
  }
  return {
    elements: run(),
    skeleton: () => Buffer.concat(skeletonParts).toString('utf8'),
  };
}
