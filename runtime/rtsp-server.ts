import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from './embedded-redis.js';
import { StderrRing } from './ffmpeg/ffmpeg-frames.js';
import { requireFfmpeg } from './system-tools.js';

/**
 * A local RTSP server for tests and the demo: the npm package rtsp-streaming-server,
 * which takes an ffmpeg publisher (ANNOUNCE/RECORD) on one port and serves readers
 * on another. It speaks RTP over UDP only (a TCP SETUP gets 461 Unsupported
 * Transport), which also exercises the ingest's TCP-to-UDP fallback. It runs in a
 * child process: the package has no stop(), and killing the child frees every port.
 * The child exits when our stdin pipe closes, so it never outlives this process.
 */
export interface RtspServer {
  /** Where a publisher sends a stream: rtsp://127.0.0.1:<publishPort>/<path>. */
  publishUrl(path: string): string;
  /** Where a reader (the ingest worker) reads it: rtsp://127.0.0.1:<port>/<path>. */
  url(path: string): string;
  readonly publishPort: number;
  readonly port: number;
  stop(): Promise<void>;
}

// The package keeps a mount until its publisher sends TEARDOWN, so a publisher that
// dies (a cut camera) would block its own return with 503. The checkMount hook ties
// each mount to its publisher's connection and removes it when that connection closes.
const CHILD = `
const [modulePath, publish, client, rtpStart, rtpCount] = process.argv.slice(1);
const RtspServer = require(modulePath).default;
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
const owners = new Map();
const server = new RtspServer({
  serverPort: +publish, clientPort: +client, rtpPortStart: +rtpStart, rtpPortCount: +rtpCount,
  publishServerHooks: {
    checkMount: async (req) => {
      const owner = owners.get(req.uri);
      if (owner && owner !== req.socket && owner.destroyed) server.Mounts.deleteMount(req.uri);
      if (owner && !owner.destroyed) return true;
      owners.set(req.uri, req.socket);
      req.socket.once('close', () => {
        if (owners.get(req.uri) !== req.socket) return;
        owners.delete(req.uri);
        server.Mounts.deleteMount(req.uri);
      });
      return true;
    },
  },
});
server
  .start()
  .then(() => process.stdout.write('ready\\n'), (err) => { console.error(err); process.exit(1); });
`;

export async function startRtspServer(
  opts: { publishPort?: number; port?: number; rtpPortStart?: number; rtpPortCount?: number } = {},
): Promise<RtspServer> {
  const modulePath = createRequire(import.meta.url).resolve('rtsp-streaming-server');
  const publishPort = opts.publishPort ?? (await freePort());
  const port = opts.port ?? (await freePort());
  // RTP/RTCP port pairs; a random even start keeps parallel test files apart.
  const rtpPortStart = opts.rtpPortStart ?? 20_000 + 2 * Math.floor(Math.random() * 10_000);
  const rtpPortCount = opts.rtpPortCount ?? 40;
  const child = spawn(
    process.execPath,
    ['-e', CHILD, modulePath, String(publishPort), String(port), String(rtpPortStart), String(rtpPortCount)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const stderr = new StderrRing(20);
  child.stderr!.on('data', (d: Buffer) => stderr.push(d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`RTSP server did not start within 5 s: ${stderr.text()}`)), 5000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`RTSP server exited (code ${code}): ${stderr.text()}`));
    });
  });
  child.stdout!.resume();
  let stopping: Promise<void> | null = null;
  return {
    publishPort,
    port,
    publishUrl: (path) => `rtsp://127.0.0.1:${publishPort}/${path.replace(/^\//, '')}`,
    url: (path) => `rtsp://127.0.0.1:${port}/${path.replace(/^\//, '')}`,
    stop() {
      stopping ??= (async () => {
        child.stdin!.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

export interface RtspPublisher {
  readonly pid: number | undefined;
  /** Resolves when ffmpeg has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Ends the publisher; SIGKILL cuts it like a pulled cable. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Publishes a video file to an RTSP server in a loop at its native rate
 * (`ffmpeg -re -stream_loop -1`), like a camera. `encode: 'copy'` (default) sends the
 * file's H.264 as it is; 'h264' re-encodes it with a keyframe every `gop` frames,
 * so a reader that joins late gets a picture quickly.
 */
export function startRtspPublisher(opts: {
  file: string;
  url: string;
  encode?: 'copy' | 'h264';
  gop?: number;
  loop?: boolean;
}): RtspPublisher {
  const codec =
    opts.encode === 'h264'
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-pix_fmt',
          'yuv420p',
          '-g',
          String(opts.gop ?? 10),
        ]
      : ['-c:v', 'copy'];
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-re',
    ...(opts.loop === false ? [] : ['-stream_loop', '-1']),
    '-i',
    opts.file,
    '-an',
    ...codec,
    '-f',
    'rtsp',
    '-rtsp_transport',
    'udp',
    opts.url,
  ];
  const child: ChildProcess = spawn(requireFfmpeg(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = new StderrRing(20);
  child.stderr!.on('data', (d: Buffer) => stderr.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stderr: stderr.text() })),
  );
  return {
    pid: child.pid,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
