import {
  addPageFooters,
  contentWidth,
  createPdf,
  drawTable,
  ensureSpace,
  FONT,
  FONT_BOLD,
  pdfSafe,
} from '../pdf/pdf-writer.ts';
import { composeDecisionLetter } from './compose-decision-letter.ts';
import type { DecisionLetter, LetterDocument } from './decision-letter.ts';

export interface RenderPdfOptions {
  /** Deflate content streams (default true). */
  readonly compress?: boolean;
}

/** Renders a composed letter (letterhead, recipient, sections, tables, "Sida x av y") as an A4 PDF. */
export function renderLetterPdf(letter: LetterDocument, options: RenderPdfOptions = {}): Promise<Buffer> {
  const { doc, finished } = createPdf({
    title: letter.title,
    author: letter.letterhead[0] ?? '',
    ...(options.compress === undefined ? {} : { compress: options.compress }),
  });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  // Letterhead (left) and date / case reference (right).
  const [municipality, ...sender] = letter.letterhead;
  doc
    .font(FONT_BOLD)
    .fontSize(15)
    .text(pdfSafe(municipality ?? ''), left, top, { width: width * 0.6 });
  doc.font(FONT).fontSize(9);
  for (const line of sender) doc.text(pdfSafe(line), { width: width * 0.6 });
  const afterLetterhead = doc.y;
  let metaY = top;
  for (const row of letter.meta) {
    doc
      .font(FONT_BOLD)
      .fontSize(9)
      .text(pdfSafe(row.label), left + width * 0.62, metaY, { width: width * 0.38 });
    doc.font(FONT).text(pdfSafe(row.value), { width: width * 0.38 });
    metaY = doc.y + 4;
  }

  // Recipient block.
  doc.font(FONT).fontSize(10.5);
  doc.y = Math.max(afterLetterhead, metaY) + 24;
  for (const line of letter.recipient)
    doc.text(pdfSafe(line), left + width * 0.55, doc.y, { width: width * 0.45 });
  doc.x = left;
  doc.moveDown(2);

  doc.font(FONT_BOLD).fontSize(17).text(pdfSafe(letter.title), left, doc.y, { width });
  doc.moveDown(0.6);

  for (const section of letter.sections) {
    ensureSpace(doc, 60);
    doc.font(FONT_BOLD).fontSize(12).text(pdfSafe(section.heading), left, doc.y, { width });
    doc.moveDown(0.3);
    doc.font(FONT).fontSize(10.5);
    for (const paragraph of section.paragraphs) {
      doc.text(pdfSafe(paragraph), left, doc.y, { width });
      doc.moveDown(0.4);
    }
    if (section.table) {
      drawTable(
        doc,
        [
          { header: '', width: 0.7 },
          { header: '', width: 0.3, align: 'right' },
        ],
        section.table.map((row) => ({ cells: [row.label, row.value], bold: row.isTotal ?? false })),
        10,
      );
      doc.moveDown(0.4);
    }
    doc.moveDown(0.5);
  }

  addPageFooters(doc, letter.footer);
  doc.end();
  return finished;
}

/** composeDecisionLetter + renderLetterPdf: the decision as an A4 PDF with the municipality's letterhead. */
export function renderDecisionLetterPdf(
  letter: DecisionLetter,
  options: RenderPdfOptions = {},
): Promise<Buffer> {
  return renderLetterPdf(composeDecisionLetter(letter), options);
}
