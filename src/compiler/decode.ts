// Source bytes to text: strict UTF-8 (an invalid byte is a located diagnostic, never a
// replacement character) and a leading byte-order mark dropped.
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { LineIndex } from './source-map.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** Valid second-byte ranges for each lead byte (RFC 3629 table 3-7): [low, high, continuation bytes after it]. */
function leadRule(lead: number): [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [0x80, 0xbf, 0];
  if (lead === 0xe0) return [0xa0, 0xbf, 1];
  if (lead === 0xed) return [0x80, 0x9f, 1];
  if (lead >= 0xe1 && lead <= 0xef) return [0x80, 0xbf, 1];
  if (lead === 0xf0) return [0x90, 0xbf, 2];
  if (lead >= 0xf1 && lead <= 0xf3) return [0x80, 0xbf, 2];
  if (lead === 0xf4) return [0x80, 0x8f, 2];
  return undefined;
}

const isContinuation = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b <= 0xbf;

/** The offset of the first byte that starts an ill-formed sequence, or -1 when all are well formed. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const rule = leadRule(lead);
    const second = bytes[i + 1];
    if (!rule || second === undefined || second < rule[0] || second > rule[1]) return i;
    for (let k = 0; k < rule[2]; k++) if (!isContinuation(bytes[i + 2 + k])) return i;
    i += 2 + rule[2];
  }
  return -1;
}

export function decodeSource(source: string | Uint8Array, _file: string): { text: string; diagnostics: Diagnostic[] } {
  if (typeof source === 'string') return { text: source.charCodeAt(0) === 0xfeff ? source.slice(1) : source, diagnostics: [] };
  try {
    return { text: strict.decode(source), diagnostics: [] };
  } catch {
    // Only a file that fails to decode is scanned, to say which byte is at fault.
  }
  const at = firstInvalidByte(source);
  const before = strict.decode(source.subarray(0, at));
  const pos = new LineIndex(before).position(before.length);
  return {
    text: before,
    diagnostics: [
      diagnostic('invalid-encoding', {
        pointer: '',
        message: `invalid UTF-8 byte 0x${(source[at] as number).toString(16).padStart(2, '0')} at byte offset ${at}`,
        span: { start: pos, end: { ...pos, col: pos.col + 1, offset: pos.offset + 1 } },
      }),
    ],
  };
}
