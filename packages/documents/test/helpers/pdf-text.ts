import { inflateSync } from 'node:zlib';

/** WinAnsi (cp1252) bytes 0x80–0x9F that differ from Latin-1. */
const WIN_ANSI: Record<number, string> = {
  128: '€',
  133: '…',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
};

const decodeHex = (hex: string): string => {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const code = Number.parseInt(hex.slice(i, i + 2), 16);
    out += WIN_ANSI[code] ?? String.fromCharCode(code);
  }
  return out;
};

/** The content streams of a PDF, inflated when they are FlateDecode-compressed. */
function contentStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /<<([\s\S]*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    const dict = m[1] ?? '';
    try {
      streams.push((dict.includes('/FlateDecode') ? inflateSync(raw) : raw).toString('latin1'));
    } catch {
      // Not a stream we can read (fonts, images): skip.
    }
    re.lastIndex = end;
  }
  return streams;
}

/**
 * Extracts the text that pdfkit wrote with its built-in (WinAnsi) fonts: each `[<hex> kern …] TJ`
 * array becomes one run; runs are joined by spaces and whitespace is collapsed, so a phrase that
 * wrapped over two lines is still found.
 */
export function extractPdfText(pdf: Buffer): string {
  const runs: string[] = [];
  for (const stream of contentStreams(pdf)) {
    for (const m of stream.matchAll(/\[((?:<[0-9a-fA-F]*>|\s|-?[\d.]+)*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      if (m[1] !== undefined) {
        runs.push([...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => decodeHex(h[1] ?? '')).join(''));
      } else {
        runs.push(decodeHex(m[2] ?? ''));
      }
    }
  }
  return runs.join(' ').replace(/[\s\u00a0]+/g, ' ');
}

/** Number of pages (/Type /Page objects). */
export const countPdfPages = (pdf: Buffer): number =>
  (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
