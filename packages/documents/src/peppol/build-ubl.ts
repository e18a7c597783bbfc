import { DomainError, parseOrganisationNumber } from '@samverkan/domain';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { computeInvoiceTotals, normaliseQuantity, oreToDecimal, type VatBreakdown } from './amounts.ts';
import type { InvoiceDocument, InvoiceParty, VatSetting } from './invoice-document.ts';

export const PEPPOL_CUSTOMIZATION_ID =
  'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
/** ISO 6523 ICD for Swedish organisation numbers (Peppol EAS 0007). */
export const SWEDISH_ORG_NUMBER_SCHEME = '0007';

const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function cbc(
  parent: XMLBuilder,
  name: string,
  text: string,
  attributes?: Record<string, string>,
): XMLBuilder {
  const element = parent.ele(NS.cbc, `cbc:${name}`);
  if (attributes) element.att(attributes);
  element.txt(text);
  return parent;
}
const cac = (parent: XMLBuilder, name: string): XMLBuilder => parent.ele(NS.cac, `cac:${name}`);
const amount = (parent: XMLBuilder, name: string, ore: number): XMLBuilder =>
  cbc(parent, name, oreToDecimal(ore), { currencyID: 'SEK' });

function date(value: string, field: string): string {
  if (!ISO_DATE.test(value))
    throw new DomainError('validation_failed', `${field}: datum ska skrivas ÅÅÅÅ-MM-DD.`);
  return value;
}

function bankgiroDigits(bankgiro: string): string {
  const digits = bankgiro.replace(/[\s-]/g, '');
  if (!/^\d{7,8}$/.test(digits)) {
    throw new DomainError('validation_failed', 'Bankgironumret ska ha 7–8 siffror.');
  }
  return digits;
}

/** VAT identifiers are only written when the category allows them (BR-O-02 forbids them for O). */
function vatNumberFor(
  party: InvoiceParty,
  orgNumber: string,
  vat: VatSetting,
  isSeller: boolean,
): string | undefined {
  if (vat.category === 'O') return undefined;
  if (party.vatNumber) return party.vatNumber.replace(/\s/g, '');
  // BR-S-02 / BR-E-02: the seller must have a VAT identifier; a Swedish one is SE + org nr + 01.
  return isSeller ? `SE${orgNumber}01` : undefined;
}

function addParty(
  parent: XMLBuilder,
  wrapper: string,
  party: InvoiceParty,
  vat: VatSetting,
  isSeller: boolean,
): void {
  const orgNumber = parseOrganisationNumber(party.orgNumber);
  const p = cac(cac(parent, wrapper), 'Party');
  cbc(p, 'EndpointID', orgNumber, { schemeID: SWEDISH_ORG_NUMBER_SCHEME });
  cbc(cac(p, 'PartyName'), 'Name', party.name);
  const address = cac(p, 'PostalAddress');
  if (party.street) cbc(address, 'StreetName', party.street);
  if (party.city) cbc(address, 'CityName', party.city);
  if (party.postalZone) cbc(address, 'PostalZone', party.postalZone);
  cbc(cac(address, 'Country'), 'IdentificationCode', party.countryCode);
  const vatNumber = vatNumberFor(party, orgNumber, vat, isSeller);
  if (vatNumber) {
    const scheme = cac(p, 'PartyTaxScheme');
    cbc(scheme, 'CompanyID', vatNumber);
    cbc(cac(scheme, 'TaxScheme'), 'ID', 'VAT');
  }
  if (isSeller && party.fTaxApproved) {
    // SE-R-005: the seller's tax registration (non-VAT) must read exactly this.
    const scheme = cac(p, 'PartyTaxScheme');
    cbc(scheme, 'CompanyID', 'Godkänd för F-skatt');
    cbc(cac(scheme, 'TaxScheme'), 'ID', 'TAX');
  }
  const legal = cac(p, 'PartyLegalEntity');
  cbc(legal, 'RegistrationName', party.name);
  cbc(legal, 'CompanyID', orgNumber, { schemeID: SWEDISH_ORG_NUMBER_SCHEME });
  if (party.contact && (party.contact.name || party.contact.phone || party.contact.email)) {
    const contact = cac(p, 'Contact');
    if (party.contact.name) cbc(contact, 'Name', party.contact.name);
    if (party.contact.phone) cbc(contact, 'Telephone', party.contact.phone);
    if (party.contact.email) cbc(contact, 'ElectronicMail', party.contact.email);
  }
}

function addTaxCategory(
  parent: XMLBuilder,
  element: 'TaxCategory' | 'ClassifiedTaxCategory',
  b: VatBreakdown,
): void {
  const category = cac(parent, element);
  cbc(category, 'ID', b.vat.category);
  if (b.vat.category === 'S') cbc(category, 'Percent', String(b.vat.ratePercent));
  if (b.vat.category === 'E') cbc(category, 'Percent', '0');
  if (element === 'TaxCategory') {
    if (b.exemptionReasonCode) cbc(category, 'TaxExemptionReasonCode', b.exemptionReasonCode);
    if (b.exemptionReason) cbc(category, 'TaxExemptionReason', b.exemptionReason);
  }
  cbc(cac(category, 'TaxScheme'), 'ID', 'VAT');
}

function addPeriod(parent: XMLBuilder, period: { start: string; end: string }): void {
  const p = cac(parent, 'InvoicePeriod');
  cbc(p, 'StartDate', date(period.start, 'Periodens början'));
  cbc(p, 'EndDate', date(period.end, 'Periodens slut'));
}

/** PEPPOL-EN16931-R110/R111: a line period must lie within the invoice period. */
function checkPeriods(doc: InvoiceDocument): void {
  const outer = doc.invoicePeriod;
  if (outer && outer.start > outer.end) {
    throw new DomainError('validation_failed', 'Fakturaperiodens början ligger efter dess slut.');
  }
  for (const line of doc.lines) {
    if (!line.period) continue;
    if (line.period.start > line.period.end) {
      throw new DomainError('validation_failed', `Rad ${line.id}: periodens början ligger efter dess slut.`);
    }
    if (outer && (line.period.start < outer.start || line.period.end > outer.end)) {
      throw new DomainError(
        'validation_failed',
        `Rad ${line.id}: radens period ligger utanför fakturaperioden.`,
      );
    }
  }
}

/**
 * Builds a Peppol BIS Billing 3.0 UBL 2.1 document: an Invoice (type code 380) or a CreditNote
 * (381). Amounts are integer öre in, two-decimal strings out; totals are computed here so that
 * the LegalMonetaryTotal and the single TaxTotal always agree with the lines to the öre.
 * Throws DomainError('validation_failed' | 'invalid_organisation_number') on bad input.
 */
export function buildUbl(doc: InvoiceDocument): string {
  const totals = computeInvoiceTotals(doc);
  checkPeriods(doc);
  const vat = doc.vat ?? { category: 'O' };
  const isInvoice = doc.kind === 'invoice';
  const breakdown = totals.breakdown[0];
  if (!breakdown) throw new DomainError('validation_failed', 'Momsuppdelning saknas.');

  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(isInvoice ? NS.invoice : NS.creditNote, isInvoice ? 'Invoice' : 'CreditNote')
    .att('xmlns:cac', NS.cac)
    .att('xmlns:cbc', NS.cbc);

  cbc(root, 'CustomizationID', PEPPOL_CUSTOMIZATION_ID);
  cbc(root, 'ProfileID', PEPPOL_PROFILE_ID);
  cbc(root, 'ID', doc.number);
  cbc(root, 'IssueDate', date(doc.issueDate, 'Fakturadatum'));
  if (isInvoice) {
    cbc(root, 'DueDate', date(doc.dueDate ?? '', 'Förfallodag'));
    cbc(root, 'InvoiceTypeCode', '380');
  } else {
    cbc(root, 'CreditNoteTypeCode', '381');
  }
  if (doc.note) cbc(root, 'Note', doc.note);
  cbc(root, 'DocumentCurrencyCode', doc.currency);
  cbc(root, 'BuyerReference', doc.buyerReference);
  if (doc.invoicePeriod) addPeriod(root, doc.invoicePeriod);
  if (doc.orderReference) cbc(cac(root, 'OrderReference'), 'ID', doc.orderReference);
  if (doc.precedingInvoice) {
    const reference = cac(cac(root, 'BillingReference'), 'InvoiceDocumentReference');
    cbc(reference, 'ID', doc.precedingInvoice.number);
    cbc(reference, 'IssueDate', date(doc.precedingInvoice.issueDate, 'Ursprungsfakturans datum'));
  } else if (!isInvoice) {
    throw new DomainError(
      'validation_failed',
      'En kreditfaktura ska hänvisa till den faktura som krediteras.',
    );
  }
  if (doc.contractReference) cbc(cac(root, 'ContractDocumentReference'), 'ID', doc.contractReference);

  addParty(root, 'AccountingSupplierParty', doc.seller, vat, true);
  addParty(root, 'AccountingCustomerParty', doc.buyer, vat, false);

  // Swedish Bankgiro: code 30 + FinancialInstitutionBranch 'SE:BANKGIRO' (SE-R-008/009, SE-R-011).
  const means = cac(root, 'PaymentMeans');
  cbc(means, 'PaymentMeansCode', '30', { name: 'Credit transfer' });
  cbc(means, 'PaymentID', doc.paymentMeans.paymentId);
  const account = cac(means, 'PayeeFinancialAccount');
  cbc(account, 'ID', bankgiroDigits(doc.paymentMeans.bankgiro));
  cbc(cac(account, 'FinancialInstitutionBranch'), 'ID', 'SE:BANKGIRO');
  cbc(cac(root, 'PaymentTerms'), 'Note', doc.paymentTermsNote);

  const taxTotal = cac(root, 'TaxTotal');
  amount(taxTotal, 'TaxAmount', totals.vatOre);
  for (const b of totals.breakdown) {
    const subtotal = cac(taxTotal, 'TaxSubtotal');
    amount(subtotal, 'TaxableAmount', b.taxableOre);
    amount(subtotal, 'TaxAmount', b.vatOre);
    addTaxCategory(subtotal, 'TaxCategory', b);
  }

  const monetary = cac(root, 'LegalMonetaryTotal');
  amount(monetary, 'LineExtensionAmount', totals.lineExtensionOre);
  amount(monetary, 'TaxExclusiveAmount', totals.taxExclusiveOre);
  amount(monetary, 'TaxInclusiveAmount', totals.taxInclusiveOre);
  amount(monetary, 'PayableAmount', totals.payableOre);

  for (const line of doc.lines) {
    const l = cac(root, isInvoice ? 'InvoiceLine' : 'CreditNoteLine');
    cbc(l, 'ID', line.id);
    cbc(l, isInvoice ? 'InvoicedQuantity' : 'CreditedQuantity', normaliseQuantity(line.quantity), {
      unitCode: line.unitCode,
    });
    amount(l, 'LineExtensionAmount', line.lineTotalOre);
    if (line.period) addPeriod(l, line.period);
    const item = cac(l, 'Item');
    cbc(item, 'Name', line.description);
    addTaxCategory(item, 'ClassifiedTaxCategory', breakdown);
    amount(cac(l, 'Price'), 'PriceAmount', line.unitPriceOre);
  }

  return root.end({ prettyPrint: true });
}
