import { z } from 'zod';

export const apiSchema = z
  .object({
    /** Address `watchpost api` listens on. */
    host: z.string().default('127.0.0.1'),
    /** Port `watchpost api` listens on (0: a free one). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest JSON body accepted. */
    jsonLimit: z.string().default('1mb'),
    /** Largest upload (photo, video) accepted. */
    uploadLimitMb: z.number().positive().default(200),
  })
  .strict();
