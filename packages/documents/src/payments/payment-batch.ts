import type { Ore } from '@samverkan/domain';

/** The municipality's own account the payouts are drawn from. */
export type DebtorAccount =
  | { readonly kind: 'iban'; readonly iban: string; readonly bic?: string }
  /** Bankgiro number (7–8 digits, with or without hyphen). `bic` is the debtor's bank, when known. */
  | { readonly kind: 'bankgiro'; readonly number: string; readonly bic?: string };

/** Where one payout goes: a Swedish bank account (clearing + account number) or a Bankgiro number. */
export type CreditorAccount =
  | { readonly kind: 'bank_account'; readonly clearing: string; readonly account: string }
  | { readonly kind: 'bankgiro'; readonly number: string };

export interface Payment {
  /** Our payment id, written as `PmtId/EndToEndId` (1–35 characters, no spaces) and returned by the bank. */
  readonly endToEndId: string;
  /** Integer öre, > 0. */
  readonly amountOre: Ore;
  readonly creditorName: string;
  readonly account: CreditorAccount;
  /** `RmtInf/Ustrd`, e.g. 'Ekonomiskt bistånd 2026-03, ärende EB-1263-2026-000012'. Never a personnummer. */
  readonly remittance: string;
}

export interface PaymentBatch {
  /** `GrpHdr/MsgId` (1–35 characters, no spaces); unique per file sent to the bank. */
  readonly messageId: string;
  readonly createdAt: Date;
  /** Requested execution date, 'YYYY-MM-DD' (a Swedish bank day). */
  readonly paymentDate: string;
  readonly debtor: {
    readonly name: string;
    /** 10 digits (a hyphen is accepted), Luhn-checked. */
    readonly orgNumber: string;
    readonly account: DebtorAccount;
  };
  readonly payments: readonly Payment[];
}

export interface Pain001Summary {
  readonly messageId: string;
  readonly count: number;
  readonly totalOre: Ore;
  readonly paymentDate: string;
  readonly endToEndIds: string[];
}
