-- The account each municipality pays ekonomiskt bistånd from (debtor in the pain.001 file).
ALTER TABLE municipalities ADD COLUMN payout_account jsonb;
