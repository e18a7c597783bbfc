import {
  type CalculationInput,
  COST_TYPES,
  DomainError,
  type HouseholdMember,
  INCOME_TYPES,
  type NationalNorm,
  parsePersonnummer,
  type TenantGuidelines,
} from '@samverkan/domain';
import { z } from 'zod';

/**
 * The e-ansökan as the citizen fills it in. A draft may be any part of it; submission requires
 * the whole form (the seeds: "cannot submit an incomplete application"). Amounts are öre per month.
 */
const ore = z.number().int().min(0).max(100_000_000);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum skrivs ÅÅÅÅ-MM-DD');
const name = z.string().trim().min(1, 'Namn saknas').max(100);

const payoutAccountSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bank_account'),
    clearing: z.string().regex(/^\d{4,5}$/, 'Clearingnummer är 4–5 siffror'),
    account: z.string().regex(/^\d{6,12}$/, 'Kontonummer är 6–12 siffror'),
  }),
  z.strictObject({
    kind: z.literal('bankgiro'),
    number: z.string().regex(/^\d{7,8}$/, 'Bankgironummer är 7–8 siffror'),
  }),
]);

export const applicationFormSchema = z
  .strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Månad skrivs ÅÅÅÅ-MM'),
    household: z.strictObject({
      partner: z
        .strictObject({ personnummer: z.string(), givenName: name, familyName: name })
        .nullable()
        .default(null),
      children: z
        .array(
          z.strictObject({
            givenName: name,
            birthDate: isoDate,
            inSchoolLivingAtHome: z.boolean().default(false),
            preschoolLunch: z.boolean().default(false),
          }),
        )
        .max(15)
        .default([]),
    }),
    incomes: z
      .array(
        z.strictObject({
          /** 'applicant', 'partner' or 'child:<index>' */
          member: z.string().regex(/^(applicant|partner|child:\d{1,2})$/),
          type: z.enum(INCOME_TYPES),
          amountOre: ore,
          description: z.string().max(200).optional(),
        }),
      )
      .max(50),
    costs: z
      .array(
        z.strictObject({
          type: z.enum(COST_TYPES).exclude(['otherItem']),
          amountOre: ore,
          description: z.string().max(200).optional(),
        }),
      )
      .max(30),
    /** Övriga poster: free-text needs outside the norm, always judged by a caseworker. */
    otherItems: z
      .array(z.strictObject({ description: z.string().trim().min(1).max(500), amountOre: ore }))
      .max(20)
      .default([]),
    payoutAccount: payoutAccountSchema,
    declarations: z.strictObject({
      truthful: z.literal(true, { error: 'Du måste intyga att uppgifterna är sanna' }),
      consentRegisterCheck: z.literal(true, { error: 'Du måste godkänna kontroll mot register' }),
    }),
    contact: z
      .strictObject({ phone: z.string().max(30).optional(), email: z.string().email().max(200).optional() })
      .default({}),
  })
  .superRefine((form, ctx) => {
    const children = form.household.children.length;
    form.incomes.forEach((income, i) => {
      if (income.member === 'partner' && !form.household.partner) {
        ctx.addIssue({
          code: 'custom',
          path: ['incomes', i, 'member'],
          message: 'Inkomst för make/maka/sambo som inte finns i hushållet',
        });
      }
      const child = /^child:(\d+)$/.exec(income.member);
      if (child && Number(child[1]) >= children) {
        ctx.addIssue({
          code: 'custom',
          path: ['incomes', i, 'member'],
          message: 'Inkomst för ett barn som inte finns i hushållet',
        });
      }
    });
    if (form.household.partner) {
      try {
        parsePersonnummer(form.household.partner.personnummer);
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['household', 'partner', 'personnummer'],
          message: 'Ogiltigt personnummer',
        });
      }
    }
    if (!form.costs.some((c) => c.type === 'rent')) {
      ctx.addIssue({
        code: 'custom',
        path: ['costs'],
        message: 'Boendekostnad (hyra) måste anges, även om den är 0 kr',
      });
    }
  });

export type ApplicationForm = z.infer<typeof applicationFormSchema>;

/** Refuses an incomplete or inconsistent form with every problem listed (nothing is stored). */
export function parseCompleteForm(input: unknown): ApplicationForm {
  const result = applicationFormSchema.safeParse(input);
  if (!result.success) {
    throw new DomainError(
      'application_incomplete',
      'Ansökan är inte komplett. Rätta de markerade uppgifterna.',
      {
        issues: result.error.issues.map((i) => ({ path: `form.${i.path.join('.')}`, message: i.message })),
      },
    );
  }
  return result.data;
}

/** A couple is one household: the key is the applicant's and partner's personnummer, sorted. */
export function householdKey(applicantPnr: string, form: Pick<ApplicationForm, 'household'>): string {
  const partner = form.household.partner
    ? parsePersonnummer(form.household.partner.personnummer).value
    : null;
  return [applicantPnr, partner]
    .filter((p): p is string => p !== null)
    .sort()
    .join('+');
}

export function householdMembers(
  applicant: { personnummer: string; givenName?: string },
  form: ApplicationForm,
): HouseholdMember[] {
  const members: HouseholdMember[] = [
    {
      id: 'applicant',
      role: 'applicant',
      birthDate: parsePersonnummer(applicant.personnummer).dateOfBirth,
      ...(applicant.givenName ? { displayName: applicant.givenName } : {}),
    },
  ];
  if (form.household.partner) {
    members.push({
      id: 'partner',
      role: 'partner',
      birthDate: parsePersonnummer(form.household.partner.personnummer).dateOfBirth,
      displayName: form.household.partner.givenName,
    });
  }
  form.household.children.forEach((c, i) => {
    members.push({
      id: `child:${i}`,
      role: 'child',
      birthDate: c.birthDate,
      displayName: c.givenName,
      inSchoolLivingAtHome: c.inSchoolLivingAtHome,
      preschoolLunch: c.preschoolLunch,
    });
  });
  return members;
}

export function toCalculationInput(
  applicant: { personnummer: string; givenName?: string },
  form: ApplicationForm,
  norm: NationalNorm,
  guidelines: TenantGuidelines,
): CalculationInput {
  return {
    month: form.month,
    members: householdMembers(applicant, form),
    incomes: form.incomes.map((i) => ({ memberId: i.member, type: i.type, amountOre: i.amountOre })),
    costs: [
      ...form.costs.map((c) => ({ type: c.type, amountOre: c.amountOre })),
      ...form.otherItems.map((o) => ({
        type: 'otherItem' as const,
        amountOre: o.amountOre,
        description: o.description,
      })),
    ],
    nationalNorm: norm,
    guidelines,
  };
}
