// Billing: agreement terms, variable costs, invoice runs, invoices and credit notes.
export {};
