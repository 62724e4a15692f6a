import { z } from 'zod';
import { clipTrackSchema, clipTrackToWebVtt } from '../../pipeline/clip-track.js';
import type { Core } from '../core.js';
import { streamTicketSchema } from '../dto/alert.dto.js';
import { idParams } from '../dto/common.dto.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const tag = 'evidence';

export function evidenceRoutes({ alerting, services }: Core): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/alerts/:id/clip/track',
      roles: CAN.readEvidence,
      ticket: 'media',
      tag,
      summary: "The matched person's box through the alert's clip, for a player to draw over the video (not burnt in)",
      description:
        '`format=vtt` (default): a WebVTT metadata track, one cue per frame, each a JSON ' +
        '`{box: [x1,y1,x2,y2], width, height}` in video pixels, for `<track kind="metadata">`; `format=json`: the ' +
        'track as the evidence worker found it.',
      params: idParams,
      query: z.object({
        format: z.enum(['vtt', 'json']).default('vtt'),
        ticket: z.string().optional().describe('from POST /v1/evidence/media-ticket, for a <track> element'),
      }),
      responses: {
        200: { description: 'the track', contentType: 'text/vtt', schema: clipTrackSchema },
        404: { description: 'unknown alert, or no track (no clip yet, or redaction off)', schema: problemSchema },
      },
      handler: async ({ params, query, audit, res }) => {
        const track = await alerting.alerts.clipTrack(audit, params.id);
        if (query.format === 'json') return track;
        res.status(200).set({ 'content-type': 'text/vtt; charset=utf-8', 'cache-control': 'private, no-store' });
        res.send(clipTrackToWebVtt(track));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/evidence/media-ticket',
      roles: CAN.readEvidence,
      tag,
      audit: { action: 'key.ticket.media', target: 'key' },
      summary: 'A 15-minute ticket for a video player: `?ticket=` on evidence files and clip tracks',
      description:
        "Browsers' `<video>` and `<track>` elements cannot send an Authorization header; each request made with " +
        'the ticket is still checked against the key (revoked: refused) and audited.',
      responses: { 200: { description: 'the ticket', schema: streamTicketSchema } },
      handler: ({ actor }) => services.auth.mediaTicket(actor),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/alerts/:id/export',
      roles: CAN.exportEvidence,
      tag,
      summary: 'A sealed evidence archive (ZIP) of one alert: clip, stills, timeline, models, audit, signed manifest',
      description:
        'Bystanders are pixelated in the default `redacted` variant; `original` (admins only) holds the footage as ' +
        'recorded. Check an archive with `watchpost evidence verify <file> --public-key <key.pem>`.',
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
