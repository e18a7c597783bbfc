import { bootWorker } from './boot.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

const SHUTDOWN_GRACE_MS = 60_000;

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);

try {
  const running = await bootWorker(config, log);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal }, 'shutdown requested');
    // A job that ignores the grace period must not keep the pod alive forever.
    setTimeout(() => {
      log.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    running.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
} catch (error) {
  log.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
}
