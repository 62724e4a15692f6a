import { z } from 'zod';
import { idParams } from '../dto/common.dto.js';
import {
  REPLAY_UPLOAD_LIMIT_BYTES,
  REPLAY_VIDEO_TYPES,
  replayCreateSchema,
  replayFixtureSchema,
  replaySchema,
  replaySummarySchema,
  replayTrackParams,
  replayUploadQuery,
} from '../dto/replay.dto.js';
import { HttpProblem } from '../../runtime/problem.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';
import type { ReplayService } from '../services/replay.service.js';

const tag = 'replays';
/** Analysts replay footage; admins too. */
const notFound = { description: 'unknown replay', schema: problemSchema };

/** Safe name to show for an upload: from an optional X-File-Name header, else a generic one. */
const uploadName = (header: string | undefined) =>
  header ? header.replace(/[^\w.\- ]/g, '_').slice(0, 100) : 'uploaded video';

export function replayRoutes(svc: ReplayService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/replays/fixtures',
      roles: CAN.replay,
      tag,
      summary: 'Footage fixtures an analyst can replay (each scored against its ground truth)',
      responses: { 200: { description: 'fixtures', schema: z.array(replayFixtureSchema) } },
      handler: () => svc.fixtures(),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/replays',
      roles: CAN.replay,
      tag,
      summary: 'Replays, newest first (without their results)',
      responses: { 200: { description: 'replays', schema: z.array(replaySummarySchema) } },
      handler: () => svc.list(),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/replays',
      roles: CAN.replay,
      tag,
      summary: 'Replay footage through the pipeline on a replay worker (queued)',
      description:
        'JSON `{"fixture": name, "case"?: id}`, or the video itself as the body with a `video/*` Content-Type (optional X-File-Name header, ' +
        '`?case=id`). A fixture is watched with its own gallery, an upload with every enrolled perpetrator, unless a case is named: then with ' +
        "that case's perpetrators. Alerts of a replay carry its replayId and are never delivered to officers. Poll GET /v1/replays/{id} for progress.",
      query: replayUploadQuery,
      rawBody: { limitBytes: REPLAY_UPLOAD_LIMIT_BYTES, contentTypes: ['application/json', ...REPLAY_VIDEO_TYPES] },
      status: 202,
      responses: {
        202: { description: 'queued', schema: z.object({ id: z.string() }) },
        400: { description: 'unknown fixture or case, or not a video', schema: problemSchema },
        415: { description: 'neither JSON nor video/*', schema: problemSchema },
        503: { description: 'the replay queue is full', schema: problemSchema },
      },
      handler: ({ req, body, audit, query }) => {
        const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        if (type === 'application/json') {
          let json: unknown;
          try {
            json = JSON.parse(bytes.toString('utf8') || '{}');
          } catch {
            throw new HttpProblem(400, 'Bad Request', 'the body is not valid JSON');
          }
          const parsed = replayCreateSchema.safeParse(json);
          if (!parsed.success)
            throw new HttpProblem(
              400,
              'Bad Request',
              parsed.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; '),
            );
          return svc.submitFixture(audit, parsed.data.fixture, parsed.data.case ?? query.case);
        }
        if (type.startsWith('video/'))
          return svc.submitUpload(audit, bytes, uploadName(req.get('x-file-name')), query.case);
        throw new HttpProblem(
          415,
          'Unsupported Media Type',
          `send JSON {"fixture": name} or a video body with a video/* Content-Type, not ${type || 'no Content-Type'}`,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/replays/:id',
      roles: CAN.replay,
      tag,
      summary: 'A replay: status, progress, and its timeline once done',
      audit: { action: 'replay.read', target: 'replay', viewing: true },
      params: idParams,
      responses: { 200: { description: 'the replay', schema: replaySchema }, 404: notFound },
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/replays/:id/tracks/:track/best-frame',
      roles: CAN.replay,
      tag,
      summary: "The best frame of a replay's track (JPEG of the person)",
      audit: { action: 'replay.best_frame.read', target: 'replay', viewing: true },
      params: replayTrackParams,
      responses: { 200: { description: 'JPEG', contentType: 'image/jpeg' }, 404: notFound },
      handler: async ({ params, res }) => {
        const jpeg = await svc.bestFrame(params.id, params.track);
        res.type('image/jpeg').set('cache-control', 'private, no-store').send(jpeg);
      },
    }),
  ];
}
