// Safe XML reading for the importers: documents with a DOCTYPE or ENTITY declaration are refused
// outright (no entity expansion, no external entities), the syntax is checked with line numbers
// before anything is mapped, and fast-xml-parser runs with processEntities:false — only the five
// predefined entities and numeric references are decoded afterwards, by the mappers.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../../platform/http/errors.js';

export class MalformedDocument extends AppError {
  constructor(ja: string, en: string, readonly line?: number) {
    super(422, 'malformed_import', { ja, en });
  }
}

export const lineAt = (text: string, offset: number) => { let n = 1; for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++; return n; };

/** Parses an XML document safely; `arrays` names elements that are always lists. */
export function parseXmlSafely(text: string, arrays: Set<string>): Record<string, unknown> {
  const decl = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (decl) {
    const line = lineAt(text, decl.index);
    throw new MalformedDocument(`${line} 行目: DOCTYPE・ENTITY 宣言を含む XML は受け付けません。`, `line ${line}: XML with a DOCTYPE or ENTITY declaration is refused.`, line);
  }
  const v = XMLValidator.validate(text);
  if (v !== true) {
    const { line, msg } = v.err;
    throw new MalformedDocument(`XML の形式が正しくありません（${line} 行目: ${msg}）。`, `Malformed XML (line ${line}: ${msg}).`, line);
  }
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, processEntities: false, htmlEntities: false,
    parseTagValue: false, parseAttributeValue: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true,
    isArray: (name) => arrays.has(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

/** Line numbers of every start tag with this local name (any prefix), in document order. */
export function elementLines(text: string, local: string): number[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}[\\s>/]`, 'g');
  const lines: number[] = [];
  let line = 1; let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let i = text.indexOf('\n', pos); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    pos = m.index; lines.push(line);
  }
  return lines;
}
