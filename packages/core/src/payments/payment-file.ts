import { findMunicipality, platform, tenant } from '@samverkan/db';
import { buildPain001, paymentEndToEndId } from '@samverkan/documents';
import { DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

const isUniqueViolation = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

/**
 * The day's payment file for one municipality: every pending payment due on or before the
 * date, as ISO 20022 pain.001 (category purpose SSBE) from the municipality's payer account.
 * One file per payment date (unique), and each payment can be in one file only (the rows are
 * locked and moved to 'in_file' in the same transaction), so no payment can be sent twice.
 */
export async function createPaymentFile(ctx: Ctx, paymentDate: string) {
  const municipality = await findMunicipality(platform(ctx.db), ctx.tenant.code);
  if (!municipality?.payoutAccount || !municipality.organisationNumber) {
    throw new DomainError(
      'invalid_state',
      'Kommunens utbetalningskonto eller organisationsnummer saknas i registret.',
    );
  }
  const debtorAccount = municipality.payoutAccount;
  const orgNumber = municipality.organisationNumber;
  const createdBy = ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind;
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const t = tenant(trx, ctx.tenant.schema);
      const payments = await t
        .selectFrom('payments')
        .innerJoin('applications', 'applications.applicationId', 'payments.applicationId')
        .select([
          'payments.paymentId',
          'payments.amountOre',
          'payments.payeeName',
          'payments.payeeAccount',
          'applications.caseNumber',
          'applications.month',
        ])
        .where('payments.status', '=', 'pending')
        .where('payments.paymentDate', '<=', paymentDate)
        .orderBy('payments.createdAt')
        .forUpdate()
        .execute();
      if (payments.length === 0)
        throw new DomainError('invalid_state', `Det finns inga utbetalningar att skicka för ${paymentDate}.`);
      const messageId = `SV${ctx.tenant.code}${paymentDate.replaceAll('-', '')}`;
      const xml = buildPain001({
        messageId,
        createdAt: ctx.now(),
        paymentDate,
        debtor: { name: ctx.tenant.name, orgNumber, account: debtorAccount },
        payments: payments.map((p) => ({
          endToEndId: paymentEndToEndId(p.paymentId),
          amountOre: p.amountOre,
          creditorName: p.payeeName,
          account: p.payeeAccount,
          remittance: `Ekonomiskt bistand ${p.month}, arende ${p.caseNumber}`,
        })),
      });
      const totalOre = payments.reduce((s, p) => s + p.amountOre, 0);
      const file = await t
        .insertInto('paymentFiles')
        .values({
          paymentDate,
          messageId,
          format: 'pain.001.001.09',
          paymentCount: payments.length,
          totalOre,
          content: xml,
          createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await t
        .updateTable('payments')
        .set({ status: 'in_file', paymentFileId: file.paymentFileId })
        .where(
          'paymentId',
          'in',
          payments.map((p) => p.paymentId),
        )
        .execute();
      await recordAudit(
        ctx,
        {
          action: 'payments.create_file',
          objectType: 'payment_file',
          objectId: file.paymentFileId,
          detail: { count: payments.length, totalOre },
        },
        trx,
      );
      return file;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError('conflict', `Betalfil för ${paymentDate} är redan skapad.`);
    throw error;
  }
}

export async function getPaymentFile(ctx: Ctx, paymentFileId: string) {
  const file = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('paymentFiles')
    .selectAll()
    .where('paymentFileId', '=', paymentFileId)
    .executeTakeFirst();
  if (!file) throw new DomainError('not_found', 'Betalfilen finns inte.');
  await recordAudit(ctx, {
    action: 'payments.read_file',
    objectType: 'payment_file',
    objectId: paymentFileId,
  });
  return file;
}
