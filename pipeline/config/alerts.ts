import { z } from 'zod';

export const alertsSchema = z
  .object({
    /** Match events for the same perpetrator and camera within this window update the open alert. */
    cooldownSeconds: z.number().int().min(0).default(300),
    /** An alert not acknowledged within this time escalates to the next officer or supervisor. */
    escalateAfterSeconds: z.number().int().min(5).default(120),
    /** Webhook delivery attempts before giving up. */
    webhookAttempts: z.number().int().min(1).max(20).default(6),
    /** Accept plain http:// webhook URLs (a lab or a receiver on the same host); alerts carry personal data. */
    allowInsecureWebhooks: z.boolean().default(false),
  })
  .strict();
