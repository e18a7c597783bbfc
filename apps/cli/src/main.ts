import { ConfigError, loadConfig } from './config.ts';
import { consoleOutput } from './output.ts';
import { runCli } from './run.ts';

// The only place that reads process.env.
try {
  const config = loadConfig(process.env);
  process.exitCode = await runCli(process.argv.slice(2), config, consoleOutput);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  consoleOutput.error(`error: ${error.message}`);
  process.exitCode = 1;
}
