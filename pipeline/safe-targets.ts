import { isIP } from 'node:net';

/**
 * Which addresses the system may be pointed at. A camera URL becomes an ffmpeg input and a
 * webhook URL a POST carrying alerts: a local file (`/etc/passwd`), an ffmpeg protocol
 * (`concat:`, `pipe:`) or a cloud metadata address must not be accepted from a client.
 * Each check returns the reason a person can act on, or null when the target is fine.
 */

const CAMERA_SCHEMES = /^(rtsps?|https?):\/\//i;
const ANY_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f\s]/;

export function cameraUrlProblem(url: string, opts: { allowFileSources: boolean }): string | null {
  if (CONTROL.test(url)) return 'the camera URL must not contain spaces or control characters';
  if (CAMERA_SCHEMES.test(url)) {
    try {
      new URL(url);
      return null;
    } catch {
      return 'the camera URL is not a valid URL';
    }
  }
  if (ANY_SCHEME.test(url) && !/^[A-Za-z]:[\\/]/.test(url))
    return 'camera URLs must be rtsp://, rtsps://, http:// or https://';
  if (!opts.allowFileSources)
    return 'local files are not camera sources here: use rtsp://, rtsps://, http:// or https:// (or set ingest.allowFileSources)';
  return null;
}

/** Host names that reach a cloud provider's instance metadata (credentials) from inside the provider. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);

/** 169.254.0.0/16, fe80::/10 and IPv4-mapped forms of link-local: where instance metadata lives. */
export function isLinkLocal(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v = isIP(a);
  if (v === 4) return a.startsWith('169.254.');
  if (v !== 6) return false;
  if (/^fe[89ab][0-9a-f]:/.test(a)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return (mapped[1] ?? '').startsWith('169.254.');
  // ::ffff:a9fe:xxxx is 169.254.x.x written in hex (how the URL parser normalises it).
  return /^::ffff:a9fe:[0-9a-f]{1,4}$/.test(a) || a === 'fd00:ec2::254';
}

export function webhookUrlProblem(url: string, opts: { allowInsecureWebhooks: boolean }): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  if (u.protocol !== 'https:' && !(opts.allowInsecureWebhooks && u.protocol === 'http:'))
    return opts.allowInsecureWebhooks
      ? 'webhook URLs must be https:// or http://'
      : 'webhook URLs must be https:// (alerts carry personal data; set alerts.allowInsecureWebhooks for a lab)';
  if (u.username || u.password) return 'the webhook URL must not carry credentials (requests are signed)';
  const host = u.hostname.replace(/\.$/, '').toLowerCase();
  if (METADATA_HOSTS.has(host) || isLinkLocal(host))
    return 'webhook URLs must not point at a link-local or cloud metadata address';
  return null;
}
