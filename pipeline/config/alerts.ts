import { z } from 'zod';
import { webhookUrlProblem } from '../safe-targets.js';

/** A control-room webhook receiver (the operators' own, not an officer's). */
export const controlRoomContactSchema = z
  .object({
    /** Stable id: deliveries name it as `control:<id>`. */
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
    /** Shown in an alert's receipts. */
    name: z.string().min(1),
    /** The receiver's address: https://, or http:// with alerts.allowInsecureWebhooks. */
    url: z.string().url(),
    /** HMAC-SHA256 key the receiver verifies signatures with. */
    secret: z.string().min(16),
  })
  .strict();

export const alertsSchema = z
  .object({
    /** Match events for the same perpetrator and camera within this window update the open alert. */
    cooldownSeconds: z.number().int().min(0).default(300),
    /** An alert not acknowledged within this time escalates to the next officer or supervisor. */
    escalateAfterSeconds: z.number().int().min(5).default(120),
    /** A webhook is retried until the receiver answers 2xx or the alert is resolved; its backoff grows to this cap. */
    webhookMaxBackoffSeconds: z.number().min(0.5).max(300).default(5),
    /** A delivery still failing after this long raises the alarm: metric, audit, escalation to the supervisor. */
    deliveryAlarmSeconds: z.number().min(1).default(30),
    /** Accept plain http:// webhook URLs (a lab or a receiver on the same host); alerts carry personal data. */
    allowInsecureWebhooks: z.boolean().default(false),
    /** required: a face match waits for an operator's confirm or reject before officers get it; off: at once. */
    review: z.enum(['required', 'off']).default('required'),
    /** A match nobody reviewed within this time goes to the officers flagged unconfirmed; supervisors are told. */
    reviewSeconds: z.number().int().min(1).default(60),
    /** Control-room webhooks: matches awaiting review go here, and so does an alert nobody on duty can take. */
    controlRoom: z.array(controlRoomContactSchema).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    a.controlRoom.forEach((c, i) => {
      const problem = webhookUrlProblem(c.url, a);
      if (problem) ctx.addIssue({ code: 'custom', path: ['controlRoom', i, 'url'], message: problem });
    });
  });
