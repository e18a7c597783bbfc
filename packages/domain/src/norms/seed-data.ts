import guidelinesSvedala from '../../data/guidelines-1263-svedala.json' with { type: 'json' };
import guidelinesTrelleborg from '../../data/guidelines-1287-trelleborg.json' with { type: 'json' };
import riksnorm2025 from '../../data/riksnorm-2025.json' with { type: 'json' };
import riksnorm2026 from '../../data/riksnorm-2026.json' with { type: 'json' };
import { type NationalNorm, parseNationalNorm } from './national-norm.ts';
import { parseTenantGuidelines, type TenantGuidelines } from './tenant-guidelines.ts';

/**
 * Seed data shipped with the package (packages/domain/data). Seeds only: the live figures are
 * stored per tenant and corrected by an administrator without a release.
 */
export const seedNationalNorms = (): NationalNorm[] => [riksnorm2025, riksnorm2026].map(parseNationalNorm);

export interface SeedGuidelines {
  readonly municipalityCode: string;
  readonly guidelines: TenantGuidelines;
}

export const seedTenantGuidelines = (): SeedGuidelines[] => [
  { municipalityCode: '1287', guidelines: parseTenantGuidelines(guidelinesTrelleborg) },
  { municipalityCode: '1263', guidelines: parseTenantGuidelines(guidelinesSvedala) },
];
