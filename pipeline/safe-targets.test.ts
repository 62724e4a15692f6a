import { describe, expect, it } from 'vitest';
import { configSchema } from './config/index.js';
import { cameraUrlProblem, isLinkLocal, webhookUrlProblem } from './safe-targets.js';

describe('camera URLs', () => {
  const strict = { allowFileSources: false };
  const lenient = { allowFileSources: true };

  it('accepts rtsp, rtsps, http and https streams', () => {
    for (const u of ['rtsp://u:p@10.0.0.5:554/s', 'RTSPS://cam/s', 'http://cam/mjpeg', 'https://cam/live.m3u8'])
      expect(cameraUrlProblem(u, strict), u).toBeNull();
  });

  it('refuses local files unless ingest.allowFileSources is set', () => {
    for (const u of ['/etc/passwd', './clip.mp4', 'clip.mp4', 'C:\\clips\\a.mp4']) {
      expect(cameraUrlProblem(u, strict), u).toMatch(/local files/);
      expect(cameraUrlProblem(u, lenient), u).toBeNull();
    }
  });

  it('refuses other schemes and ffmpeg protocols even with file sources allowed', () => {
    for (const u of [
      'file:///etc/passwd',
      'concat:/a|/b',
      'pipe:0',
      'ftp://x/y',
      'data:video/mp4;base64,AA',
      'tcp://1.2.3.4:9',
    ])
      expect(cameraUrlProblem(u, lenient), u).toMatch(/rtsp/);
  });

  it('refuses control characters and malformed URLs', () => {
    expect(cameraUrlProblem('rtsp://cam/s\n-i /etc/passwd', lenient)).toMatch(/control/);
    expect(cameraUrlProblem('rtsp://[::1/s', strict)).toMatch(/not a valid URL/);
  });

  it('is enforced on configured cameras, naming the key', () => {
    const r = configSchema.safeParse({ cameras: [{ id: 'a', url: '/etc/passwd' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['cameras', 0, 'url']);
    expect(
      configSchema.safeParse({ cameras: [{ id: 'a', url: '/x.mp4' }], ingest: { allowFileSources: true } }).success,
    ).toBe(true);
  });
});

describe('webhook URLs', () => {
  const strict = { allowInsecureWebhooks: false };
  const lab = { allowInsecureWebhooks: true };

  it('accepts https, and http only when allowed', () => {
    expect(webhookUrlProblem('https://hooks.example.org/x', strict)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.org/x', strict)).toMatch(/https/);
    expect(webhookUrlProblem('http://127.0.0.1:9000/x', lab)).toBeNull();
    expect(webhookUrlProblem('ftp://x/y', lab)).toMatch(/https/);
  });

  it('never accepts a link-local or metadata address, however it is written', () => {
    for (const u of [
      'https://169.254.169.254/latest/meta-data/',
      'https://2852039166/',
      'https://0xA9FEA9FE/',
      'https://[fe80::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://METADATA.google.internal./',
      'https://[fd00:ec2::254]/',
    ])
      expect(webhookUrlProblem(u, lab), u).toMatch(/link-local|metadata/);
  });

  it('refuses credentials in the URL', () => {
    expect(webhookUrlProblem('https://u:p@hooks.example.org/', strict)).toMatch(/credentials/);
  });

  it('classifies addresses', () => {
    expect(isLinkLocal('169.254.0.1')).toBe(true);
    expect(isLinkLocal('10.0.0.1')).toBe(false);
    expect(isLinkLocal('fe80::abcd')).toBe(true);
    expect(isLinkLocal('::1')).toBe(false);
    expect(isLinkLocal('example.org')).toBe(false);
  });
});
