/**
 * The EndToEndId of a payment in a pain.001 file, from its payment id (a UUID). The bank returns
 * it in its reports, so it must identify the payment — and it must never contain anything shaped
 * like a personnummer, which the file builder refuses. The UUID's hex digits written as they
 * were did that now and then (a run of ten digits that reads as a date and four more): in a file
 * of thousands of payments, nearly every day. Each hex digit is therefore written as a letter
 * (0→A … F→P): 32 letters, no digits at all, and `paymentIdFromEndToEndId` reverses it.
 */
const LETTERS = 'ABCDEFGHIJKLMNOP';

export function paymentEndToEndId(paymentId: string): string {
  const hex = paymentId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a UUID: ${paymentId}`);
  return [...hex].map((c) => LETTERS[Number.parseInt(c, 16)]).join('');
}

export function paymentIdFromEndToEndId(endToEndId: string): string | null {
  if (!/^[A-P]{32}$/.test(endToEndId)) return null;
  const hex = [...endToEndId].map((c) => LETTERS.indexOf(c).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
