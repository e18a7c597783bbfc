import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ensureTemplate } from '@samverkan/db/testing';
import type { TestProject } from 'vitest/node';
import { seedDemo } from '../seed/seed-demo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/** The seed's own sources and data files decide the template too, so a changed seed rebuilds it. */
function seedKey(): string {
  const hash = createHash('sha256');
  const seedDir = new URL('../seed/', import.meta.url);
  const dataDir = new URL('../../../domain/data/', import.meta.url);
  for (const dir of [seedDir, dataDir]) {
    for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(new URL(f, dir)));
  }
  return hash.digest('hex');
}

/** vitest globalSetup: migrate + seed a template database once per run, shared by every test file. */
export async function setup(project: TestProject): Promise<void> {
  project.provide('templateDatabase', await ensureTemplate(seedDemo, seedKey()));
}
