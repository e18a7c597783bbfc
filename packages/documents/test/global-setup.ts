import { ensurePeppolSef } from '../src/peppol/validation/sef-cache.ts';

/** Builds the SEF files before any worker starts, so parallel test files never compile twice. */
export async function setup(): Promise<void> {
  await ensurePeppolSef();
}
