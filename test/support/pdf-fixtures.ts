// PDF files for intake and archive tests, built here byte by byte: a real one (catalogue, page tree,
// one page with its text, a cross-reference table whose offsets are counted, a trailer), the same
// with an /Encrypt dictionary (standard security handler), and random bytes that only claim to be
// a PDF. Deterministic for a given text.
import { createHash } from 'node:crypto';

/** A one-page PDF 1.7 showing `text` (ASCII), which any reader opens. */
export function realPdf(text: string): Buffer {
  return pdf(text, false);
}

/** The same document with an /Encrypt dictionary in its trailer: readable only with the owner's key. */
export function encryptedPdf(text: string): Buffer {
  return pdf(text, true);
}

/** Bytes of no format (derived from `seed`): what a "PDF" of someone's random file would be. */
export function randomBytes(seed: string, size = 4096): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, block = 0; i < size; block++) {
    const digest = createHash('sha256').update(`${seed}#${block}`).digest();
    i += digest.copy(out, i);
  }
  // Never by chance a PDF header.
  if (out.subarray(0, 5).toString('latin1') === '%PDF-') out[0] = 0;
  return out;
}

function pdf(text: string, encrypted: boolean): Buffer {
  if (!/^[\x20-\x7e]*$/.test(text) || /[()\\]/.test(text)) throw new Error('realPdf takes printable ASCII without parentheses or backslashes');
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(encrypted ? [`<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> >>`] : []),
  ];
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const id = createHash('md5').update(text).digest('hex');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /ID [<${id}> <${id}>]${encrypted ? ` /Encrypt ${objects.length} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
