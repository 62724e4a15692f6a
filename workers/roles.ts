/** Every process role `watchpost worker <role>` starts (each one is a worker under workers/). */
export const WORKER_ROLES = ['ingest', 'detect', 'identify', 'alerts', 'replay', 'evidence', 'retention'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];
