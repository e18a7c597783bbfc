import { pino } from 'pino';

export type WorkerLogger = pino.Logger;

/** JSON lines; pretty printing belongs to a pipe (`| pino-pretty`), never to NODE_ENV. */
export function createLogger(level: string): WorkerLogger {
  return pino({ level, base: { service: 'worker' } });
}
