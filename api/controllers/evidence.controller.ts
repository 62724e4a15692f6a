import { z } from 'zod';
import type { Core } from '../core.js';
import { idParams } from '../dto/common.dto.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const tag = 'evidence';

export function evidenceRoutes({ alerting }: Core): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/alerts/:id/export',
      roles: CAN.exportEvidence,
      tag,
      summary: 'A sealed evidence archive (ZIP) of one alert: clip, stills, timeline, models, audit, signed manifest',
      description:
        'Bystanders are pixelated in the default `redacted` variant; `original` (admins only) holds the footage as recorded. Check an archive with `watchpost evidence verify <file> --public-key <key.pem>`.',
      params: idParams,
      query: z.object({ variant: z.enum(['redacted', 'original']).default('redacted') }),
      responses: {
        200: { description: 'the archive', contentType: 'application/zip' },
        403: { description: 'original footage asked by a role that may not see it', schema: problemSchema },
        404: { description: 'unknown alert', schema: problemSchema },
      },
      handler: async ({ params, query, audit, res }) => {
        const zip = await alerting.exports.export(audit, params.id, query.variant);
        res
          .status(200)
          .set({
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename="watchpost-alert-${params.id}-${query.variant}.zip"`,
            'cache-control': 'private, no-store',
          })
          .send(zip);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/evidence/public-key',
      roles: CAN.readEvidence,
      tag,
      summary: "The server's Ed25519 public key that signs evidence exports (PEM), to pin when verifying",
      responses: {
        200: { description: 'the key', schema: z.object({ keyId: z.string(), publicKey: z.string() }) },
      },
      handler: () => {
        const k = alerting.exports.signingKey;
        return { keyId: k.keyId, publicKey: k.publicKeyPem };
      },
    }),
  ];
}
