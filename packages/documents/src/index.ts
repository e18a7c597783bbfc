// Decision letters (beslut om ekonomiskt bistånd)
export { composeDecisionLetter, isAgainstApplicant } from './decision-letter/compose-decision-letter.ts';
export type {
  DecisionLetter,
  DecisionOutcome,
  LetterDocument,
  LetterSection,
  LetterSectionKey,
  LetterTableRow,
} from './decision-letter/decision-letter.ts';
export {
  type RenderPdfOptions,
  renderDecisionLetterPdf,
  renderLetterPdf,
} from './decision-letter/render-decision-letter-pdf.ts';
// Swedish formatting helpers
export {
  formatBankgiro,
  formatKronorWithOre,
  formatOrgNumber,
  formatSwedishDate,
  formatSwedishMonth,
} from './format/swedish.ts';
// Invoice PDF
export {
  type InvoicePdfDocument,
  type InvoiceSpecificationSection,
  type RenderInvoicePdfOptions,
  renderInvoicePdf,
} from './invoice-pdf/render-invoice-pdf.ts';
// Payments: ISO 20022 pain.001.001.09 (category purpose SSBE)
export {
  BANKGIRO_SCHEME,
  BANKGIROT_CLEARING_NUMBER,
  buildPain001,
  ORG_NUMBER_SCHEME_CODE,
  PAIN001_NAMESPACE,
  SOCIAL_BENEFIT_CATEGORY_PURPOSE,
  SWEDISH_CLEARING_SYSTEM,
} from './payments/build-pain001.ts';
export { paymentEndToEndId, paymentIdFromEndToEndId } from './payments/end-to-end-id.ts';
export { containsPersonnummer } from './payments/iso20022-text.ts';
export type {
  CreditorAccount,
  DebtorAccount,
  Pain001Summary,
  Payment,
  PaymentBatch,
} from './payments/payment-batch.ts';
export { summarisePain001 } from './payments/summarise-pain001.ts';
// Peppol BIS Billing 3.0 UBL (the validator is a separate entry: @samverkan/documents/peppol-validation)
export {
  computeInvoiceTotals,
  type InvoiceTotals,
  lineAmountOre,
  oreToDecimal,
  splitEvenly,
  type VatBreakdown,
  vatAmountOre,
} from './peppol/amounts.ts';
export {
  buildUbl,
  PEPPOL_CUSTOMIZATION_ID,
  PEPPOL_PROFILE_ID,
  SWEDISH_ORG_NUMBER_SCHEME,
} from './peppol/build-ubl.ts';
export type {
  InvoiceDocument,
  InvoiceLine,
  InvoiceParty,
  IsoDate,
  VatSetting,
} from './peppol/invoice-document.ts';
