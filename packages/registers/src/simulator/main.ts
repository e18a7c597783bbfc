import { z } from 'zod';
import { startRegisterSimulator } from './server.ts';

// CLI: `pnpm --filter @samverkan/registers simulate` (REGISTER_SIMULATOR_PORT, default 4010).
const config = z
  .object({
    REGISTER_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
    REGISTER_SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    REGISTER_SIMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  })
  .parse(process.env);

const simulator = await startRegisterSimulator({
  port: config.REGISTER_SIMULATOR_PORT,
  host: config.REGISTER_SIMULATOR_HOST,
  latencyMs: config.REGISTER_SIMULATOR_LATENCY_MS,
});
console.log(
  `Registersimulatorn lyssnar på ${simulator.url} (GET /health, GET /population/{pnr}, POST /ssbtek/v1/queries)`,
);

const shutdown = (): void => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
