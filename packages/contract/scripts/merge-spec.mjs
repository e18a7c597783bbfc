// Joins openapi/openapi.yaml with every openapi/parts/*.yaml into one document, so each
// capability keeps its paths and schemas in a file of its own. A part holds `tags`, `paths`
// and `components` (schemas, responses, parameters); it may $ref '#/components/...' of the
// main file, since refs resolve after the join. Duplicate keys are an error, never an override.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const specDir = join(root, 'openapi');
const out = join(root, 'packages/contract/.build/openapi.yaml');

const main = parse(readFileSync(join(specDir, 'openapi.yaml'), 'utf8'));
const partsDir = join(specDir, 'parts');
const parts = (existsSync(partsDir) ? readdirSync(partsDir) : [])
  .filter((name) => name.endsWith('.yaml'))
  .sort();

function mergeInto(target, source, where) {
  for (const [key, value] of Object.entries(source ?? {})) {
    if (key in target) throw new Error(`${where}: '${key}' is defined twice`);
    target[key] = value;
  }
}

for (const name of parts) {
  const part = parse(readFileSync(join(partsDir, name), 'utf8')) ?? {};
  const unknown = Object.keys(part).filter((k) => !['tags', 'paths', 'components'].includes(k));
  if (unknown.length > 0) throw new Error(`parts/${name}: unexpected top-level keys ${unknown.join(', ')}`);
  for (const tag of part.tags ?? []) {
    if (main.tags.some((t) => t.name === tag.name)) throw new Error(`parts/${name}: tag '${tag.name}' twice`);
    main.tags.push(tag);
  }
  mergeInto(main.paths, part.paths, `parts/${name} paths`);
  for (const [section, entries] of Object.entries(part.components ?? {})) {
    main.components[section] ??= {};
    mergeInto(main.components[section], entries, `parts/${name} components.${section}`);
  }
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, stringify(main, { lineWidth: 0 }));
console.log(`merged openapi.yaml + ${parts.length} part(s) → ${out}`);
