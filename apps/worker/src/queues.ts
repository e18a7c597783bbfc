import { QUEUE_NAMES, type QueueConnection, type QueueName } from '@samverkan/jobs';
import { Queue } from 'bullmq';
import type { WorkerLogger } from './logger.ts';

export type ProducerQueues = Readonly<Record<QueueName, Queue>>;

/**
 * One BullMQ Queue (producer side) per queue name on a shared connection. The caller owns the
 * connection; `closeQueues` leaves it open.
 */
export function createQueues(connection: QueueConnection, log: WorkerLogger): ProducerQueues {
  const entries = QUEUE_NAMES.map((name) => {
    const queue = new Queue(name, { connection: connection.redis, prefix: connection.prefix });
    // An 'error' event without a listener would throw; the caller sees failures on the calls.
    queue.on('error', (error) => log.debug({ err: error, queue: name }, 'queue connection error'));
    return [name, queue] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<QueueName, Queue>);
}

export async function closeQueues(queues: ProducerQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
