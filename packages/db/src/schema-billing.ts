import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * Row types of the platform schema's billing tables (migrations/platform/0003_create_billing.sql):
 * invoicing details per municipality, variable costs, invoices and credit notes, the issuers'
 * number series and the re-invoiced assistance ledger. Kept apart from schema.ts so the billing
 * capability owns its tables.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = ColumnType<string, string, string>;

export interface BillingProfilesTable {
  municipalityCode: string;
  street: string | null;
  postalZone: string | null;
  city: string | null;
  bankgiro: string | null;
  contactEmail: string | null;
  updatedBy: string;
  updatedAt: Timestamp;
}

export type VariableCostCategory =
  | 'training'
  | 'travel'
  | 'per_diem'
  | 'material'
  | 'bus_passes'
  | 'fuel'
  | 'other';

export interface VariableCostsTable {
  variableCostId: Generated<string>;
  agreementId: string;
  municipalityCode: string;
  costDate: DateString;
  category: VariableCostCategory;
  amountOre: number;
  note: string | null;
  receiptReference: string | null;
  registeredBy: string;
  registeredAt: Timestamp;
  invoiceId: string | null;
}

export type InvoiceKind = 'invoice' | 'credit_note';
export type InvoiceStatus = 'draft' | 'issued' | 'credited';

export interface InvoicesTable {
  invoiceId: Generated<string>;
  kind: InvoiceKind;
  agreementId: string;
  issuerCode: string;
  buyerCode: string;
  periodStart: DateString;
  periodEnd: DateString;
  periodLabel: string;
  status: Generated<InvoiceStatus>;
  creditedInvoiceId: string | null;
  creditReason: string | null;
  seriesYear: number | null;
  sequenceNumber: number | null;
  number: string | null;
  issueDate: DateString | null;
  dueDate: DateString | null;
  totalOre: number;
  lines: JSONColumnType<unknown[]>;
  specification: JSONColumnType<unknown[]>;
  terms: JSONColumnType<Record<string, unknown>>;
  variableCostIds: ColumnType<string[], string[] | undefined, string[]>;
  assistanceMonths: ColumnType<unknown[], string | undefined, string>;
  document: JSONColumnType<Record<string, unknown>> | null;
  ublXml: string | null;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  issuedBy: string | null;
  issuedAt: Date | null;
  creditedAt: Date | null;
}

export interface InvoiceNumberSeriesTable {
  issuerCode: string;
  seriesYear: number;
  lastNumber: Generated<number>;
}

export interface ReinvoicedAssistanceTable {
  invoiceId: string;
  agreementId: string;
  month: string;
  fromOre: number;
  toOre: number;
  active: Generated<boolean>;
}

export interface BillingTables {
  billingProfiles: BillingProfilesTable;
  variableCosts: VariableCostsTable;
  invoices: InvoicesTable;
  invoiceNumberSeries: InvoiceNumberSeriesTable;
  reinvoicedAssistance: ReinvoicedAssistanceTable;
}

export type BillingProfile = Selectable<BillingProfilesTable>;
export type VariableCost = Selectable<VariableCostsTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
