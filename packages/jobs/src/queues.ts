/**
 * Queues are per workload class, not per job: the robot's assessments (register calls,
 * calculation) must not wait behind a burst of notifications, and vice versa.
 */
export const ROBOT_QUEUE = 'robot';
export const DEFAULT_QUEUE = 'default';
export const QUEUE_NAMES = [ROBOT_QUEUE, DEFAULT_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const isQueueName = (name: string): name is QueueName =>
  (QUEUE_NAMES as readonly string[]).includes(name);
