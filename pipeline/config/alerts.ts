import { z } from 'zod';

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
  })
  .strict();
