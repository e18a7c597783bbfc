import { type InvoiceRow, platform } from '@samverkan/db';
import { type InvoicePdfDocument, renderInvoicePdf } from '@samverkan/documents';
import { DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

/**
 * Which invoices a request may see for the municipality in the path (always the buyer):
 * the host's staff (acting under the agreement) see the invoices their employer issued to it,
 * drafts included; the municipality's own staff see what was issued to it — never drafts, and
 * never another municipality's invoices (those are simply not found).
 */
function visible(ctx: Ctx) {
  let q = platform(ctx.db).selectFrom('invoices').selectAll().where('buyerCode', '=', ctx.tenant.code);
  if (ctx.access.basis === 'agreement') q = q.where('issuerCode', '=', ctx.access.hostCode);
  else q = q.where('status', '<>', 'draft');
  return q;
}

export async function listInvoices(ctx: Ctx, filter: { year?: number; status?: string } = {}) {
  let q = visible(ctx);
  if (filter.year) {
    q = q
      .where('periodStart', '>=', `${filter.year}-01-01`)
      .where('periodStart', '<=', `${filter.year}-12-31`);
  }
  if (filter.status) q = q.where('status', '=', filter.status as InvoiceRow['status']);
  const rows = await q.orderBy('periodStart').orderBy('createdAt').limit(500).execute();
  await recordAudit(ctx, { action: 'billing.list_invoices', detail: { count: rows.length } });
  return rows;
}

export async function getInvoice(ctx: Ctx, invoiceId: string): Promise<InvoiceRow> {
  const row = await visible(ctx).where('invoiceId', '=', invoiceId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'Fakturan finns inte.');
  await recordAudit(ctx, { action: 'billing.read_invoice', objectType: row.kind, objectId: invoiceId });
  return row;
}

async function issued(ctx: Ctx, invoiceId: string, format: 'pdf' | 'ubl'): Promise<InvoiceRow> {
  const row = await visible(ctx).where('invoiceId', '=', invoiceId).executeTakeFirst();
  if (!row) throw new DomainError('not_found', 'Fakturan finns inte.');
  if (row.status === 'draft' || !row.document || !row.ublXml)
    throw new DomainError('invalid_state', 'Fakturan är ett utkast och har inget dokument ännu.');
  await recordAudit(ctx, {
    action: 'billing.download_invoice',
    objectType: row.kind,
    objectId: invoiceId,
    detail: { format, number: row.number },
  });
  return row;
}

/** The Swedish PDF, rendered from the document frozen at issue (so it never changes). */
export async function invoicePdf(ctx: Ctx, invoiceId: string): Promise<{ number: string; pdf: Buffer }> {
  const row = await issued(ctx, invoiceId, 'pdf');
  const pdf = await renderInvoicePdf(row.document as unknown as InvoicePdfDocument);
  return { number: row.number as string, pdf };
}

/** The Peppol BIS Billing 3.0 UBL as stored at issue. */
export async function invoiceUbl(ctx: Ctx, invoiceId: string): Promise<{ number: string; xml: string }> {
  const row = await issued(ctx, invoiceId, 'ubl');
  return { number: row.number as string, xml: row.ublXml as string };
}
