import { DomainError, type Ore } from '@samverkan/domain';
import type { InvoiceDocument, InvoiceLine, VatSetting } from './invoice-document.ts';

/** Öre → UBL amount with exactly two decimals ('33270833' → '332708.33'), no floating point. */
export function oreToDecimal(ore: Ore): string {
  if (!Number.isSafeInteger(ore)) throw new RangeError(`Not an integer öre amount: ${ore}`);
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Normalises a quantity to a plain decimal string ('1', '2.5'); rejects exponents and negatives. */
export function normaliseQuantity(quantity: string | number): string {
  const text = typeof quantity === 'number' ? String(quantity) : quantity.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new DomainError('validation_failed', `Ogiltig kvantitet: ${text}`);
  const integer = (m[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return fraction ? `${integer}.${fraction}` : integer;
}

/** quantity × unit price in öre, rounded half up to whole öre, computed exactly with BigInt. */
export function lineAmountOre(quantity: string | number, unitPriceOre: Ore): Ore {
  const q = normaliseQuantity(quantity);
  const [integer = '0', fraction = ''] = q.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const scaledQuantity = BigInt(integer + fraction);
  const product = scaledQuantity * BigInt(unitPriceOre);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs * 2n + scale) / (2n * scale);
  return Number(negative ? -rounded : rounded);
}

/**
 * Splits a total into `parts` integer amounts that add up exactly to the total; the remainder
 * öre go one each to the first parts. Example: a fixed fee of 3 992 500 kr/year over 12 months
 * = 399 250 000 öre → 4 months of 33 270 834 öre and 8 months of 33 270 833 öre.
 */
export function splitEvenly(totalOre: Ore, parts: number): Ore[] {
  if (!Number.isSafeInteger(totalOre) || totalOre < 0 || !Number.isInteger(parts) || parts < 1) {
    throw new RangeError('splitEvenly needs a non-negative integer total and a positive number of parts');
  }
  const base = Math.floor(totalOre / parts);
  const remainder = totalOre - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}

export const DEFAULT_VAT: VatSetting = { category: 'O' };
const DEFAULT_O_REASON = 'Utanför mervärdesskattens tillämpningsområde';

export interface VatBreakdown {
  readonly vat: VatSetting;
  readonly taxableOre: Ore;
  readonly vatOre: Ore;
  /** Text to write as TaxExemptionReason (O and E). */
  readonly exemptionReason?: string;
  readonly exemptionReasonCode?: string;
}

export interface InvoiceTotals {
  readonly lineExtensionOre: Ore;
  readonly taxExclusiveOre: Ore;
  readonly vatOre: Ore;
  readonly taxInclusiveOre: Ore;
  readonly payableOre: Ore;
  readonly breakdown: readonly VatBreakdown[];
}

/** VAT in öre: taxable × rate / 100, rounded half up (BR-CO-17), exact for rates with ≤ 2 decimals. */
export function vatAmountOre(taxableOre: Ore, ratePercent: number): Ore {
  const basisPoints = BigInt(Math.round(ratePercent * 100));
  const product = BigInt(taxableOre) * basisPoints;
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs * 2n + 10000n) / 20000n;
  return Number(negative ? -rounded : rounded);
}

function checkLine(line: InvoiceLine): void {
  for (const [field, value] of [
    ['unitPriceOre', line.unitPriceOre],
    ['lineTotalOre', line.lineTotalOre],
  ] as const) {
    if (!Number.isSafeInteger(value)) {
      throw new DomainError('validation_failed', `Rad ${line.id}: ${field} måste vara hela ören.`);
    }
  }
  const expected = lineAmountOre(line.quantity, line.unitPriceOre);
  if (expected !== line.lineTotalOre) {
    throw new DomainError('validation_failed', `Rad ${line.id}: radbeloppet stämmer inte med antal × pris.`, {
      expectedOre: expected,
      lineTotalOre: line.lineTotalOre,
    });
  }
}

/** Checks the document and computes all totals in öre (the UBL and the PDF both use this). */
export function computeInvoiceTotals(doc: InvoiceDocument): InvoiceTotals {
  if (doc.lines.length === 0) throw new DomainError('validation_failed', 'En faktura måste ha minst en rad.');
  if (!doc.buyerReference.trim()) throw new DomainError('validation_failed', 'Köparens referens saknas.');
  if (doc.kind === 'invoice' && !doc.dueDate)
    throw new DomainError('validation_failed', 'Förfallodag saknas.');
  for (const line of doc.lines) checkLine(line);
  const vat = doc.vat ?? DEFAULT_VAT;
  const lineExtensionOre = doc.lines.reduce((sum, line) => sum + line.lineTotalOre, 0);
  const vatOre = vat.category === 'S' ? vatAmountOre(lineExtensionOre, vat.ratePercent) : 0;
  const breakdown: VatBreakdown =
    vat.category === 'S'
      ? { vat, taxableOre: lineExtensionOre, vatOre }
      : vat.category === 'E'
        ? {
            vat,
            taxableOre: lineExtensionOre,
            vatOre,
            exemptionReason: vat.exemptionReason,
            ...(vat.exemptionReasonCode ? { exemptionReasonCode: vat.exemptionReasonCode } : {}),
          }
        : {
            vat,
            taxableOre: lineExtensionOre,
            vatOre,
            exemptionReason: vat.exemptionReason ?? DEFAULT_O_REASON,
            exemptionReasonCode: 'VATEX-EU-O',
          };
  return {
    lineExtensionOre,
    taxExclusiveOre: lineExtensionOre,
    vatOre,
    taxInclusiveOre: lineExtensionOre + vatOre,
    payableOre: lineExtensionOre + vatOre,
    breakdown: [breakdown],
  };
}
