import type { Ore } from '@samverkan/domain';

/** Calendar date 'YYYY-MM-DD'. */
export type IsoDate = string;

export interface InvoiceParty {
  /** Registered name (PartyLegalEntity/RegistrationName), e.g. 'Trelleborgs kommun'. */
  readonly name: string;
  /** Swedish organisation number, 10 digits (a hyphen is accepted and removed). Used as EndpointID (scheme 0007). */
  readonly orgNumber: string;
  /** 'SE' + org nr + '01'. Only written for VAT category S/E (BR-O-02 forbids it for category O). */
  readonly vatNumber?: string;
  /** Seller only: writes PartyTaxScheme 'Godkänd för F-skatt' (SE-R-005). */
  readonly fTaxApproved?: boolean;
  /** Postal address lines; only the country is required by EN 16931 (BR-08/BR-09, BR-10/BR-11). */
  readonly street?: string;
  readonly city?: string;
  readonly postalZone?: string;
  readonly countryCode: 'SE';
  readonly contact?: { readonly name?: string; readonly phone?: string; readonly email?: string };
}

/**
 * VAT setting of the agreement. Default (absent) is category O: the fee is probably outside the
 * scope of VAT (myndighetsutövning between municipalities), but it is a setting, not a constant.
 */
export type VatSetting =
  | { readonly category: 'O'; readonly exemptionReason?: string }
  | { readonly category: 'E'; readonly exemptionReason: string; readonly exemptionReasonCode?: string }
  | { readonly category: 'S'; readonly ratePercent: number };

export interface InvoiceLine {
  readonly id: string;
  readonly description: string;
  /** Decimal string ('1', '2.5') or number. */
  readonly quantity: string | number;
  /** UN/ECE rec 20 code: 'EA', 'C62', 'ANN', 'MON', 'HUR' … */
  readonly unitCode: string;
  readonly unitPriceOre: Ore;
  /** Must equal quantity × unit price, rounded to the öre. */
  readonly lineTotalOre: Ore;
  readonly period?: { readonly start: IsoDate; readonly end: IsoDate };
}

export interface InvoiceDocument {
  readonly kind: 'invoice' | 'credit_note';
  readonly number: string;
  readonly issueDate: IsoDate;
  /** Required for invoices; not written for credit notes. */
  readonly dueDate?: IsoDate;
  readonly currency: 'SEK';
  /** Peppol requires it (PEPPOL-EN16931-R003): the buyer's reference, e.g. a cost-centre code. */
  readonly buyerReference: string;
  readonly orderReference?: string;
  /** The agreement id (ContractDocumentReference). */
  readonly contractReference?: string;
  readonly invoicePeriod?: { readonly start: IsoDate; readonly end: IsoDate };
  /** Credit notes: the invoice being credited (BillingReference). */
  readonly precedingInvoice?: { readonly number: string; readonly issueDate: IsoDate };
  readonly note?: string;
  readonly seller: InvoiceParty;
  readonly buyer: InvoiceParty;
  readonly paymentMeans: {
    /** Bankgiro number, 7–8 digits ('5050-1055' accepted). */
    readonly bankgiro: string;
    /** OCR number or payment reference. */
    readonly paymentId: string;
  };
  /** e.g. 'Betalning inom 30 dagar'. */
  readonly paymentTermsNote: string;
  readonly vat?: VatSetting;
  readonly lines: readonly InvoiceLine[];
}
