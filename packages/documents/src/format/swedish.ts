import { DomainError, formatKronor, type Ore, SWEDISH_MONTHS } from '@samverkan/domain';

/** Month names and 'YYYY-MM' → 'mars 2026' live in the domain calendar; re-exported for documents. */
export { formatSwedishMonth } from '@samverkan/domain';

function monthName(month: number, input: string): string {
  const name = SWEDISH_MONTHS[month - 1];
  if (!name) throw new DomainError('validation_failed', `Ogiltig månad: ${input}`);
  return name;
}

/** '2026-03-03' → '3 mars 2026'. */
export function formatSwedishDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new DomainError('validation_failed', `Datum ska skrivas ÅÅÅÅ-MM-DD: ${isoDate}`);
  return `${Number(m[3])} ${monthName(Number(m[2]), isoDate)} ${m[1]}`;
}

/** '2120001199' → '212000-1199'. */
export const formatOrgNumber = (digits: string): string => {
  const d = digits.replace('-', '');
  return `${d.slice(0, 6)}-${d.slice(6)}`;
};

/** Bankgiro display: 7 digits NNN-NNNN, 8 digits NNNN-NNNN. */
export const formatBankgiro = (bankgiro: string): string => {
  const d = bankgiro.replace(/[\s-]/g, '');
  return `${d.slice(0, d.length - 4)}-${d.slice(-4)}`;
};

/** Kronor with öre always shown ('1 234,50 kr', '332 708,00 kr'), as on invoices. */
export function formatKronorWithOre(ore: Ore): string {
  const text = formatKronor(ore);
  return ore % 100 === 0 ? text.replace(/ kr$/, ',00 kr') : text;
}

/** Swedish decimal for quantities: '37.5' → '37,5'. */
export const formatQuantity = (quantity: string): string => quantity.replace('.', ',');
