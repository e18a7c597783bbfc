import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

export interface PdfOptions {
  readonly title: string;
  readonly author: string;
  /** Deflate content streams (default true). Tests may turn it off; the text helpers read both. */
  readonly compress?: boolean;
}

export const FONT = 'Helvetica';
export const FONT_BOLD = 'Helvetica-Bold';
export const MARGIN = 56;

/**
 * pdfkit's built-in fonts use WinAnsi encoding: å, ä, ö, §, –, non-breaking space are fine;
 * characters outside WinAnsi are mapped to a close equivalent here instead of being garbled.
 */
export function pdfSafe(text: string): string {
  return text
    .replace(/\u2212/g, '-')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/[\u2009\u202f]/g, '\u00a0')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
}

/** Creates an A4 document whose pages are buffered (for "Sida x av y") and collects its bytes. */
export function createPdf(options: PdfOptions): { doc: Pdf; finished: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    compress: options.compress ?? true,
    info: { Title: pdfSafe(options.title), Author: pdfSafe(options.author), Creator: 'Samverkan' },
    lang: 'sv-SE',
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(FONT);
  return { doc, finished };
}

export const contentWidth = (doc: Pdf): number =>
  doc.page.width - doc.page.margins.left - doc.page.margins.right;

/** Starts a new page when fewer than `needed` points remain above the bottom margin. */
export function ensureSpace(doc: Pdf, needed: number): void {
  if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export interface TableColumn {
  readonly header: string;
  /** Share of the content width (all columns should add up to 1). */
  readonly width: number;
  readonly align?: 'left' | 'right';
}

export interface TableRow {
  readonly cells: readonly string[];
  readonly bold?: boolean;
}

/** A simple table that flows over pages and repeats its header row on each new page. */
export function drawTable(
  doc: Pdf,
  columns: readonly TableColumn[],
  rows: readonly TableRow[],
  fontSize = 9.5,
): void {
  const left = doc.page.margins.left;
  const total = contentWidth(doc);
  const widths = columns.map((c) => c.width * total);
  const padding = 4;

  const drawRow = (cells: readonly string[], bold: boolean): void => {
    doc.font(bold ? FONT_BOLD : FONT).fontSize(fontSize);
    const heights = cells.map((cell, i) =>
      doc.heightOfString(pdfSafe(cell), { width: (widths[i] ?? 0) - padding * 2 }),
    );
    const height = Math.max(...heights, fontSize) + padding;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      drawHeader();
      doc.font(bold ? FONT_BOLD : FONT).fontSize(fontSize);
    }
    const y = doc.y;
    let x = left;
    cells.forEach((cell, i) => {
      const width = widths[i] ?? 0;
      doc.text(pdfSafe(cell), x + padding, y + padding / 2, {
        width: width - padding * 2,
        align: columns[i]?.align ?? 'left',
      });
      x += width;
    });
    doc.x = left;
    doc.y = y + height;
  };

  const drawHeader = (): void => {
    drawRow(
      columns.map((c) => c.header),
      true,
    );
    doc
      .moveTo(left, doc.y)
      .lineTo(left + total, doc.y)
      .lineWidth(0.5)
      .stroke();
  };

  if (columns.some((c) => c.header)) drawHeader();
  for (const row of rows) {
    if (row.bold) {
      doc
        .moveTo(left, doc.y)
        .lineTo(left + total, doc.y)
        .lineWidth(0.5)
        .stroke();
    }
    drawRow(row.cells, row.bold ?? false);
  }
  doc.font(FONT);
}

/** Writes "Sida x av y" (and an optional footer text) at the bottom of every buffered page. */
export function addPageFooters(doc: Pdf, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise make pdfkit add a page.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - bottom + 16;
    doc.font(FONT).fontSize(8).fillColor('#444444');
    doc.text(pdfSafe(footer), doc.page.margins.left, y, {
      width: contentWidth(doc) * 0.75,
      lineBreak: false,
    });
    doc.text(`Sida ${i - range.start + 1} av ${range.count}`, doc.page.margins.left, y, {
      width: contentWidth(doc),
      align: 'right',
      lineBreak: false,
    });
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}
