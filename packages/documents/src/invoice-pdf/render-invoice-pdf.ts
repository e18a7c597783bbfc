import { DomainError, formatKronor, type Ore, parseOrganisationNumber } from '@samverkan/domain';
import {
  formatBankgiro,
  formatKronorWithOre,
  formatOrgNumber,
  formatQuantity,
  formatSwedishDate,
} from '../format/swedish.ts';
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
import { computeInvoiceTotals, normaliseQuantity } from '../peppol/amounts.ts';
import type { InvoiceDocument, InvoiceParty } from '../peppol/invoice-document.ts';

/** A block of the specification appended to the invoice (aggregates only, never personal data). */
export interface InvoiceSpecificationSection {
  readonly heading: string;
  readonly rows: readonly { readonly label: string; readonly amountOre: Ore }[];
}

export type InvoicePdfDocument = InvoiceDocument & {
  readonly specification?: readonly InvoiceSpecificationSection[];
};

export interface RenderInvoicePdfOptions {
  /** Deflate content streams (default true). */
  readonly compress?: boolean;
}

const UNIT_LABELS: Record<string, string> = {
  EA: 'st',
  C62: 'st',
  H87: 'st',
  MON: 'mån',
  ANN: 'år',
  HUR: 'tim',
  DAY: 'dag',
  KMT: 'km',
  LS: 'post',
};

const vatText = (doc: InvoiceDocument): string => {
  const vat = doc.vat ?? { category: 'O' };
  switch (vat.category) {
    case 'S':
      return `Moms ${vat.ratePercent} %`;
    case 'E':
      return `Momsfri: ${vat.exemptionReason}`;
    case 'O':
      return `Ej momspliktig: ${vat.exemptionReason ?? 'utanför mervärdesskattens tillämpningsområde'}`;
  }
};

function partyLines(party: InvoiceParty): string[] {
  const town = [party.postalZone?.replace(/^(\d{3})(\d{2})$/, '$1 $2'), party.city].filter(Boolean).join(' ');
  return [party.name, party.street, town].filter((line): line is string => Boolean(line));
}

/**
 * Renders the invoice or credit note as a Swedish A4 PDF (Faktura / Kreditfaktura): seller and
 * buyer, numbers and dates, lines, totals, Bankgiro and OCR, payment terms, and a specification
 * of the fixed part, variable costs and re-invoiced assistance (aggregates only, no personal data).
 * Totals come from the same computation as the Peppol UBL, so the two always agree.
 */
export function renderInvoicePdf(
  invoice: InvoicePdfDocument,
  options: RenderInvoicePdfOptions = {},
): Promise<Buffer> {
  const totals = computeInvoiceTotals(invoice);
  const isCredit = invoice.kind === 'credit_note';
  const title = isCredit ? 'Kreditfaktura' : 'Faktura';
  const sellerOrg = formatOrgNumber(parseOrganisationNumber(invoice.seller.orgNumber));
  const buyerOrg = formatOrgNumber(parseOrganisationNumber(invoice.buyer.orgNumber));

  const { doc, finished } = createPdf({
    title: `${title} ${invoice.number}`,
    author: invoice.seller.name,
    ...(options.compress === undefined ? {} : { compress: options.compress }),
  });
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.page.margins.top;

  // Seller (top left), document title and numbers (top right).
  doc
    .font(FONT_BOLD)
    .fontSize(15)
    .text(pdfSafe(invoice.seller.name), left, top, { width: width * 0.55 });
  doc.font(FONT).fontSize(9);
  for (const line of partyLines(invoice.seller).slice(1)) doc.text(pdfSafe(line), { width: width * 0.55 });
  doc.text(`Organisationsnummer ${sellerOrg}`, { width: width * 0.55 });
  const sellerVat =
    invoice.vat && invoice.vat.category !== 'O'
      ? (invoice.seller.vatNumber ?? `SE${sellerOrg.replace('-', '')}01`)
      : undefined;
  if (sellerVat) doc.text(`Momsregistreringsnummer ${sellerVat}`, { width: width * 0.55 });
  if (invoice.seller.fTaxApproved) doc.text('Godkänd för F-skatt', { width: width * 0.55 });
  const afterSeller = doc.y;

  const metaX = left + width * 0.58;
  const metaWidth = width * 0.42;
  doc.font(FONT_BOLD).fontSize(20).text(title, metaX, top, { width: metaWidth });
  doc.moveDown(0.3);
  const meta: [string, string][] = [
    [isCredit ? 'Kreditfaktura nr' : 'Fakturanummer', invoice.number],
    [isCredit ? 'Datum' : 'Fakturadatum', formatSwedishDate(invoice.issueDate)],
    ...(invoice.dueDate && !isCredit
      ? [['Förfallodag', formatSwedishDate(invoice.dueDate)] as [string, string]]
      : []),
    ...(invoice.precedingInvoice
      ? [
          [
            'Krediterar faktura',
            `${invoice.precedingInvoice.number} (${formatSwedishDate(invoice.precedingInvoice.issueDate)})`,
          ] as [string, string],
        ]
      : []),
    ['Er referens', invoice.buyerReference],
    ...(invoice.orderReference ? [['Ordernummer', invoice.orderReference] as [string, string]] : []),
    ...(invoice.contractReference ? [['Avtal', invoice.contractReference] as [string, string]] : []),
    ...(invoice.invoicePeriod
      ? [
          [
            'Period',
            `${formatSwedishDate(invoice.invoicePeriod.start)} – ${formatSwedishDate(invoice.invoicePeriod.end)}`,
          ] as [string, string],
        ]
      : []),
  ];
  for (const [label, value] of meta) {
    const y = doc.y;
    doc
      .font(FONT_BOLD)
      .fontSize(9)
      .text(pdfSafe(label), metaX, y, { width: metaWidth * 0.5 });
    const afterLabel = doc.y;
    doc.font(FONT).text(pdfSafe(value), metaX + metaWidth * 0.5, y, { width: metaWidth * 0.5 });
    doc.y = Math.max(doc.y, afterLabel);
  }
  const afterMeta = doc.y;

  // Buyer address block.
  doc.y = Math.max(afterSeller, afterMeta) + 20;
  doc
    .font(FONT_BOLD)
    .fontSize(9)
    .text('Köpare', left, doc.y, { width: width * 0.5 });
  doc.font(FONT).fontSize(10.5);
  for (const line of partyLines(invoice.buyer)) doc.text(pdfSafe(line), { width: width * 0.5 });
  doc.fontSize(9).text(`Organisationsnummer ${buyerOrg}`, { width: width * 0.5 });
  doc.moveDown(1.2);

  if (invoice.note) {
    doc.font(FONT).fontSize(10).text(pdfSafe(invoice.note), left, doc.y, { width });
    doc.moveDown(0.8);
  }

  // Lines.
  drawTable(
    doc,
    [
      { header: 'Beskrivning', width: 0.5 },
      { header: 'Antal', width: 0.1, align: 'right' },
      { header: 'Enhet', width: 0.08 },
      { header: 'À-pris', width: 0.15, align: 'right' },
      { header: 'Belopp', width: 0.17, align: 'right' },
    ],
    invoice.lines.map((line) => ({
      cells: [
        line.period
          ? `${line.description} (${formatSwedishDate(line.period.start)} – ${formatSwedishDate(line.period.end)})`
          : line.description,
        formatQuantity(normaliseQuantity(line.quantity)),
        UNIT_LABELS[line.unitCode] ?? line.unitCode,
        formatKronorWithOre(line.unitPriceOre),
        formatKronorWithOre(line.lineTotalOre),
      ],
    })),
  );
  doc.moveDown(0.5);

  // Totals.
  ensureSpace(doc, 90);
  const totalRows: { label: string; value: string; bold?: boolean }[] = [
    { label: 'Summa exkl. moms', value: formatKronorWithOre(totals.taxExclusiveOre) },
    { label: vatText(invoice), value: formatKronorWithOre(totals.vatOre) },
    {
      label: isCredit ? 'Att kreditera (SEK)' : 'Att betala (SEK)',
      value: formatKronorWithOre(totals.payableOre),
      bold: true,
    },
  ];
  for (const row of totalRows) {
    const y = doc.y;
    doc.font(row.bold ? FONT_BOLD : FONT).fontSize(row.bold ? 11.5 : 10);
    doc.text(pdfSafe(row.label), left + width * 0.2, y, { width: width * 0.6, align: 'right' });
    // A long label (the VAT exemption text) may wrap: the next row starts below both cells.
    const afterLabel = doc.y;
    doc.text(pdfSafe(row.value), left + width * 0.8, y, { width: width * 0.2, align: 'right' });
    doc.y = Math.max(doc.y, afterLabel);
    doc.moveDown(0.2);
  }
  doc.moveDown(1);

  // Payment.
  ensureSpace(doc, 80);
  doc.x = left;
  doc
    .font(FONT_BOLD)
    .fontSize(11)
    .text(isCredit ? 'Återbetalning' : 'Betalning', left, doc.y, { width });
  doc.font(FONT).fontSize(10);
  doc.text(`Bankgiro ${formatBankgiro(invoice.paymentMeans.bankgiro)}`, { width });
  doc.text(`OCR/referens ${invoice.paymentMeans.paymentId}`, { width });
  if (invoice.dueDate && !isCredit) doc.text(`Förfallodag ${formatSwedishDate(invoice.dueDate)}`, { width });
  doc.text(pdfSafe(invoice.paymentTermsNote), { width });
  doc.moveDown(1);

  // Specification (aggregates only).
  const specification = invoice.specification ?? [];
  if (specification.length > 0) {
    ensureSpace(doc, 80);
    doc.font(FONT_BOLD).fontSize(13).text('Specifikation', left, doc.y, { width });
    doc.moveDown(0.4);
    for (const section of specification) {
      for (const row of section.rows) {
        if (!Number.isSafeInteger(row.amountOre)) {
          throw new DomainError('validation_failed', 'Belopp i specifikationen ska anges i hela ören.');
        }
      }
      ensureSpace(doc, 50);
      doc.font(FONT_BOLD).fontSize(10.5).text(pdfSafe(section.heading), left, doc.y, { width });
      doc.moveDown(0.2);
      const sum = section.rows.reduce((a, r) => a + r.amountOre, 0);
      drawTable(
        doc,
        [
          { header: '', width: 0.75 },
          { header: '', width: 0.25, align: 'right' },
        ],
        [
          ...section.rows.map((r) => ({ cells: [r.label, formatKronorWithOre(r.amountOre)] })),
          { cells: [`Summa ${section.heading.toLowerCase()}`, formatKronorWithOre(sum)], bold: true },
        ],
      );
      doc.moveDown(0.6);
    }
  }

  addPageFooters(
    doc,
    `${invoice.seller.name} · Org.nr ${sellerOrg} · ${title} ${invoice.number} · ${formatKronor(totals.payableOre)}`,
  );
  doc.end();
  return finished;
}
