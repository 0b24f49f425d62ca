// Source bytes to text: strict UTF-8 (an invalid byte is a located diagnostic, never a
// replacement character) and a leading byte-order mark dropped.
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { LineIndex } from './source-map.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function firstInvalidByte(bytes: Uint8Array): number {
  // Binary search for the shortest prefix that fails to decode: its last byte is the culprit.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      // A fresh decoder per probe: a streaming decoder keeps state between calls.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

export function decodeSource(source: string | Uint8Array, _file: string): { text: string; diagnostics: Diagnostic[] } {
  if (typeof source === 'string') return { text: source.charCodeAt(0) === 0xfeff ? source.slice(1) : source, diagnostics: [] };
  try {
    return { text: strict.decode(source), diagnostics: [] };
  } catch {
    const at = firstInvalidByte(source);
    const before = new TextDecoder('utf-8').decode(source.subarray(0, at)).replace(/^\uFEFF/, '');
    const index = new LineIndex(before);
    const pos = index.position(before.length);
    return {
      text: before,
      diagnostics: [
        diagnostic('invalid-encoding', {
          pointer: '',
          message: `invalid UTF-8 byte 0x${(source[at] ?? 0).toString(16).padStart(2, '0')} at byte offset ${at}`,
          span: { start: pos, end: { ...pos, col: pos.col + 1, offset: pos.offset + 1 } },
        }),
      ],
    };
  }
}
