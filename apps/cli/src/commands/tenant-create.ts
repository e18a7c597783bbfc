import { loadMigrationSet, provisionTenant, schemaNameFor } from '@samverkan/db';
import { isDomainError, parseMunicipalityCode, parseOrganisationNumber } from '@samverkan/domain';
import { HELP_OPTION, parseCommandArgs, requireOption } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { isRegistered, schemaExists, withAdmin } from '../db.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

export const TENANT_CREATE_USAGE = `Usage: pnpm cli tenant create --code KOMMUNKOD --name NAME [options]

Registers a municipality and creates + migrates its schema kommun_KOMMUNKOD in one
transaction: afterwards both exist, or neither does.

Options:
  --code CODE         kommunkod, four digits (e.g. 1233)                  required
  --name NAME         e.g. "Vellinge kommun" (2–100 characters)           required
  --org-number NR     organisationsnummer, e.g. 212000-1165 (checked)
  --committee NAME    responsible committee; default "Socialnämnden i NAME"
  --address TEXT      postal address

Example:
  pnpm cli tenant create --code 1233 --name "Vellinge kommun" --org-number 212000-1165`;

const OPTIONS = {
  ...HELP_OPTION,
  code: { type: 'string' },
  name: { type: 'string' },
  'org-number': { type: 'string' },
  committee: { type: 'string' },
  address: { type: 'string' },
} as const;

const COMMAND = 'tenant create';

export function validMunicipalityCode(input: string, command: string): string {
  try {
    return parseMunicipalityCode(input.trim());
  } catch (error) {
    if (isDomainError(error)) {
      throw new CliError(
        `Invalid kommunkod ${JSON.stringify(input)}: expected four digits starting with a county code 01–25 (e.g. 1263)`,
        command,
      );
    }
    throw error;
  }
}

function validOrganisationNumber(input: string): string {
  try {
    return parseOrganisationNumber(input);
  } catch (error) {
    if (isDomainError(error)) {
      throw new CliError(
        `Invalid organisation number ${JSON.stringify(input)}: expected ten digits (NNNNNN-NNNN) with a valid check digit`,
        COMMAND,
      );
    }
    throw error;
  }
}

function validText(option: string, input: string | undefined, min: number, max: number): string | null {
  if (input === undefined) return null;
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length < min || text.length > max) {
    throw new CliError(`--${option} must be ${min}–${max} characters`, COMMAND);
  }
  return text;
}

export async function tenantCreate(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(COMMAND, args, OPTIONS);
  if (values.help) return output.info(TENANT_CREATE_USAGE);
  const code = validMunicipalityCode(requireOption(COMMAND, 'code', values.code), COMMAND);
  const name = validText('name', requireOption(COMMAND, 'name', values.name), 2, 100) ?? '';
  const organisationNumber =
    values['org-number'] === undefined ? null : validOrganisationNumber(values['org-number']);
  const committeeName = validText('committee', values.committee, 2, 200) ?? `Socialnämnden i ${name}`;
  const postalAddress = validText('address', values.address, 2, 300);
  const schema = schemaNameFor(code);

  const result = await withAdmin(config, async (client) => {
    if (await isRegistered(client, code)) {
      throw new CliError(`Municipality ${code} is already registered on this platform; nothing was changed`);
    }
    if (await schemaExists(client, schema)) {
      // A leftover schema (e.g. from an earlier offboarding) would be adopted with its old rows.
      throw new CliError(
        `Schema ${schema} already exists but ${code} is not registered; inspect or drop it first. Nothing was changed`,
      );
    }
    try {
      return await provisionTenant(
        client,
        { code, name, organisationNumber, committeeName, postalAddress },
        loadMigrationSet(),
      );
    } catch (error) {
      // A concurrent create of the same code loses on the primary key or the schema name.
      if (error instanceof Error && 'code' in error && error.code === '23505') {
        throw new CliError(
          `Municipality ${code} is already registered on this platform; nothing was changed`,
        );
      }
      throw error;
    }
  });

  output.info(`Created ${name} (${code})`);
  output.info(`  schema      ${result.schema}`);
  output.info(`  committee   ${committeeName}`);
  if (organisationNumber)
    output.info(`  org number  ${organisationNumber.slice(0, 6)}-${organisationNumber.slice(6)}`);
  output.info(`  migrations  ${result.applied.length === 0 ? 'none' : result.applied.join(', ')}`);
}
