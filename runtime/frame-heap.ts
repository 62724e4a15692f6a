import { setFlagsFromString } from 'node:v8';

/**
 * V8 collector settings for processes that handle frames (workers, replays, the demo),
 * set before they start allocating. Their main thread mostly waits for inference
 * threads, so V8's memory reducer took it for idle and ran a full collection every few
 * frames; and with a small old generation (25 MB) the default limit sat so close that
 * each frame's garbage started incremental marking again. Letting the old generation
 * grow to 5x its live size before marking ends both: in `bench:pipeline` the detect
 * workers' full-collection marking fell from about 8 s to 0.3 s per run, and their CPU
 * per frame from 36 to 32 ms. The cost: a heap up to ~125 MB instead of ~40.
 */
export function tuneHeapForFrames(): void {
  setFlagsFromString('--no-memory-reducer');
  setFlagsFromString('--heap-growing-percent=400');
}
