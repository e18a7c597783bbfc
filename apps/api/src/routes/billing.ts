import {
  costFollowUp,
  createCreditNote,
  createVariableCost,
  getBillingProfile,
  getBillingTerms,
  getInvoice,
  invoicePdf,
  invoiceUbl,
  issueInvoice,
  listInvoices,
  listVariableCosts,
  runInvoice,
  setBillingProfile,
  setBillingTerms,
} from '@samverkan/core';
import type { Agreement, InvoiceRow, RootDb, VariableCost } from '@samverkan/db';
import { route, tenantCtx } from '../routing.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function invoiceBody(i: InvoiceRow) {
  return {
    invoiceId: i.invoiceId,
    kind: i.kind,
    status: i.status,
    number: i.number,
    agreementId: i.agreementId,
    issuerCode: i.issuerCode,
    buyerCode: i.buyerCode,
    period: i.periodLabel,
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    totalOre: i.totalOre,
    creditedInvoiceId: i.creditedInvoiceId,
    creditReason: i.creditReason,
    lines: i.lines as never,
    specification: i.specification as never,
    createdAt: i.createdAt.toISOString(),
    issuedAt: iso(i.issuedAt),
  };
}

const variableCostBody = (c: VariableCost) => ({
  variableCostId: c.variableCostId,
  agreementId: c.agreementId,
  date: c.costDate,
  category: c.category,
  amountOre: c.amountOre,
  note: c.note,
  receiptReference: c.receiptReference,
  registeredBy: c.registeredBy,
  registeredAt: c.registeredAt.toISOString(),
  invoiceId: c.invoiceId,
});

const termsView = (agreement: Agreement, terms: unknown, problem: string | null) => ({
  agreementId: agreement.agreementId,
  hostCode: agreement.hostCode,
  tenantCode: agreement.tenantCode,
  validFrom: agreement.validFrom,
  validTo: agreement.validTo,
  terms: terms as never,
  problem,
});

export const billingRoutes = (_deps: { db: RootDb; now: () => Date }) => ({
  getBillingTerms: route('getBillingTerms', {
    guard: { action: 'billing.read' },
    handler: async (_i, rc) => {
      const { agreement, terms, problem } = await getBillingTerms(tenantCtx(rc));
      return termsView(agreement, terms, problem);
    },
  }),
  setBillingTerms: route('setBillingTerms', {
    guard: { action: 'billing.write' },
    handler: async ({ body }, rc) => {
      const { agreement, terms } = await setBillingTerms(tenantCtx(rc), body);
      return termsView(agreement, terms, null);
    },
  }),
  getBillingProfile: route('getBillingProfile', {
    guard: { action: 'billing.read' },
    handler: async (_i, rc) => getBillingProfile(tenantCtx(rc)),
  }),
  setBillingProfile: route('setBillingProfile', {
    guard: { action: 'billing.write' },
    handler: async ({ body }, rc) => setBillingProfile(tenantCtx(rc), body),
  }),
  listVariableCosts: route('listVariableCosts', {
    guard: { action: 'billing.read' },
    handler: async ({ query }, rc) => ({
      items: (
        await listVariableCosts(tenantCtx(rc), {
          ...(query.from ? { from: query.from } : {}),
          ...(query.to ? { to: query.to } : {}),
        })
      ).map(variableCostBody),
    }),
  }),
  createVariableCost: route('createVariableCost', {
    guard: { action: 'billing.write' },
    handler: async ({ body, reply }, rc) => {
      const cost = await createVariableCost(tenantCtx(rc), body);
      reply.code(201);
      return variableCostBody(cost);
    },
  }),
  runInvoice: route('runInvoice', {
    guard: { action: 'billing.write' },
    handler: async ({ body }, rc) => {
      const { invoice, outcome } = await runInvoice(
        tenantCtx(rc),
        body?.period ? { period: body.period } : {},
      );
      return { outcome, invoice: invoiceBody(invoice) };
    },
  }),
  listInvoices: route('listInvoices', {
    guard: { action: 'billing.read' },
    handler: async ({ query }, rc) => ({
      items: (
        await listInvoices(tenantCtx(rc), {
          ...(query.year ? { year: query.year } : {}),
          ...(query.status ? { status: query.status } : {}),
        })
      ).map(invoiceBody),
    }),
  }),
  getInvoice: route('getInvoice', {
    guard: { action: 'billing.read' },
    handler: async ({ params }, rc) => invoiceBody(await getInvoice(tenantCtx(rc), params.invoiceId)),
  }),
  issueInvoice: route('issueInvoice', {
    guard: { action: 'billing.write' },
    handler: async ({ params }, rc) => invoiceBody(await issueInvoice(tenantCtx(rc), params.invoiceId)),
  }),
  createCreditNote: route('createCreditNote', {
    guard: { action: 'billing.write' },
    handler: async ({ params, body, reply }, rc) => {
      const note = await createCreditNote(tenantCtx(rc), params.invoiceId, body);
      reply.code(201);
      return invoiceBody(note);
    },
  }),
  getInvoicePdf: route('getInvoicePdf', {
    guard: { action: 'billing.read' },
    handler: async ({ params, reply }, rc) => {
      const { number, pdf } = await invoicePdf(tenantCtx(rc), params.invoiceId);
      reply.type('application/pdf').header('content-disposition', `inline; filename="faktura-${number}.pdf"`);
      return pdf;
    },
  }),
  getInvoiceUbl: route('getInvoiceUbl', {
    guard: { action: 'billing.read' },
    handler: async ({ params, reply }, rc) => {
      const { number, xml } = await invoiceUbl(tenantCtx(rc), params.invoiceId);
      reply
        .type('application/xml')
        .header('content-disposition', `attachment; filename="faktura-${number}.xml"`);
      return xml;
    },
  }),
  getCostFollowUp: route('getCostFollowUp', {
    guard: { action: 'billing.read' },
    handler: async ({ query }, rc) => costFollowUp(tenantCtx(rc), query.year),
  }),
});
