import { createDb } from '@samverkan/db';
import { createHttpRegisterGateway } from '@samverkan/registers';
import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const db = createDb({
  connectionString: config.DATABASE_URL,
  maxConnections: config.DATABASE_POOL_SIZE,
  applicationName: 'samverkan-api',
});
// Fail fast when Redis is down: a request must not hang on a queue that cannot take work.
const redis = new Redis(config.REDIS_URL, {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  lazyConnect: false,
});
redis.on('error', () => {});

const registers = createHttpRegisterGateway({ baseUrl: config.REGISTER_URL, timeoutMs: 3000, retries: 1 });
const app = await buildApp({ config, db, redis, registers });
app.server.requestTimeout = 30_000;
app.server.headersTimeout = 35_000;
app.server.keepAliveTimeout = 5_000;

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'closing after error');
  await app.close();
  await db.destroy();
  redis.disconnect();
});

await app.listen({ host: config.HOST, port: config.PORT });
if (config.devIssuer) app.log.warn('development token issuer active (refused when NODE_ENV=production)');
