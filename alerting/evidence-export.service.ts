import type { AuditContext } from '../audit/audit-context.js';
import { actorName } from '../audit/audit-context.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import type { EvidenceManifest } from '../pipeline/evidence-manifest.js';
import { type ArchiveFile, sealArchive } from '../runtime/evidence-archive.js';
import { HttpProblem } from '../runtime/problem.js';
import { loadSigningKey, type SigningKey } from '../runtime/signing-key.js';
import type { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { AlertClip } from './alert-clips.service.js';
import { maySee } from './alert-access.js';
import type { AlertService } from './alert.service.js';

/**
 * Which stored evidence goes into each variant, and under which name. The redacted export (the
 * default) holds no picture of a bystander: the unredacted snapshot and clip stay out of it.
 */
const FILES: Record<EvidenceManifest['variant'], Record<string, string>> = {
  redacted: {
    snapshot_redacted: 'stills/snapshot-redacted.jpg',
    face_crop: 'stills/face-crop.jpg',
    clip_redacted: 'clip/clip-redacted.mp4',
    clip_track: 'clip/track.json',
  },
  original: {
    snapshot: 'stills/snapshot.jpg',
    frame: 'stills/frame.jpg',
    face_crop: 'stills/face-crop.jpg',
    clip: 'clip/clip.mp4',
    clip_track: 'clip/track.json',
  },
};

const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);

/**
 * A sealed archive of one alert for prosecutors: its stills and clip, the timeline (sighting,
 * review, dispatch, acknowledgement, outcome), the model versions and thresholds in force, the
 * audit entries for the alert, and a manifest of every file's sha256 signed with the server's
 * Ed25519 key (`watchpost evidence verify` checks it).
 */
export class EvidenceExportService {
  private key: SigningKey | null = null;

  constructor(
    private readonly cfg: Config,
    private readonly alerts: AlertService,
    private readonly auditRepo: AuditRepository,
    private readonly audit: AuditService,
  ) {}

  get signingKey(): SigningKey {
    this.key ??= loadSigningKey(this.cfg.dataDir);
    return this.key;
  }

  async export(ctx: AuditContext, alertId: string, variant: EvidenceManifest['variant']) {
    // The original variant holds the clip as recorded: whoever may see that.
    if (variant === 'original' && !maySee(ctx.actor, 'clip'))
      throw new HttpProblem(403, 'Forbidden', 'only admins may export unredacted evidence (bystanders are in it)');
    const detail = await this.alerts.get(ctx, alertId);
    const files: ArchiveFile[] = [];
    const left: string[] = [];
    // An SOS has a clip per camera of the case: each in a folder of its camera.
    const clips = Object.entries((detail.details as { clips?: Record<string, AlertClip> }).clips ?? {});
    const cameraOf = new Map(clips.flatMap(([cam, c]) => c.evidenceIds.map((id) => [id, cam] as const)));
    for (const e of detail.evidence) {
      const named = FILES[variant][e.kind];
      if (!named) continue;
      const cam = clips.length > 1 ? cameraOf.get(e.id) : undefined;
      const name = cam ? named.replace(/^clip\//, `clip/${cam.replace(/[^\w.-]/g, '_')}/`) : named;
      const { data } = await this.alerts.evidenceBytes(ctx, alertId, e.id);
      files.push({ path: name, bytes: data });
    }
    if (variant === 'redacted' && !files.some((f) => f.path.endsWith('.mp4')))
      left.push('no redacted clip: none was recorded for this alert, or it is still being cut');
    const timeline = [
      { at: detail.firstSeen, event: 'sighting.first' },
      { at: detail.lastSeen, event: 'sighting.last' },
      ...detail.actions.map((a) => ({ at: a.at, event: a.action, by: a.actorName, note: a.note })),
    ].sort((a, b) => a.at - b.at);
    const audit = await this.auditRepo.list({ limit: 10_000, targetType: 'alert', targetId: alertId });
    const { models, identify, detect, alerts, evidence } = this.cfg;
    files.push(
      { path: 'alert.json', bytes: json(detail) },
      { path: 'timeline.json', bytes: json(timeline.map((t) => ({ ...t, iso: new Date(t.at).toISOString() }))) },
      { path: 'models-and-thresholds.json', bytes: json({ models, identify, detect, alerts, evidence }) },
      { path: 'audit.json', bytes: json(audit.reverse()) },
      {
        path: 'README.txt',
        bytes: Buffer.from(
          `watchpost evidence export of alert ${alertId} (${variant}).\n` +
            'manifest.json lists every file with its sha256; manifest.sig is the Ed25519 signature of manifest.json\n' +
            "by the server's key (publicKey in the manifest; pin it with GET /v1/evidence/public-key).\n" +
            'Check it with: watchpost evidence verify <this file> --public-key <key.pem>\n' +
            (left.length ? `Missing: ${left.join('; ')}\n` : ''),
        ),
      },
    );
    const zip = sealArchive(files, { alertId, exportedBy: actorName(ctx.actor), variant }, this.signingKey);
    await this.audit.record(ctx, 'alert.export', { type: 'alert', id: alertId }, { variant, bytes: zip.length });
    return zip;
  }
}
