import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A float32 tensor as plain data (what crosses the thread boundary). */
export interface TensorData {
  data: Float32Array;
  dims: number[];
}

/** A model input or output: name and shape (symbolic dimensions as strings or -1). */
export interface TensorInfo {
  name: string;
  shape: (number | string)[];
}

/** The model file cannot be loaded (missing, corrupt, not ONNX). */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** onnxruntime refused a run (wrong input name or shape). */
export class ModelRunError extends Error {
  override name = 'ModelRunError';
}

export interface SessionOptions {
  /** Intra-op threads (0: onnxruntime's default, one per core). */
  threads?: number;
  /**
   * Copies of the session, each on its own thread; a run goes to the least busy one.
   * On a few cores, frames of several cameras in parallel on one thread each use the
   * CPU better than one frame at a time on all threads (bench/pipeline.ts).
   */
  instances?: number;
}

interface Pending {
  resolve: (outputs: Record<string, TensorData>) => void;
  reject: (err: Error) => void;
}

/** One copy of the session: a worker thread and the runs it has not answered yet. */
class SessionThread {
  readonly pending = new Map<number, Pending>();
  alive = true;

  constructor(
    readonly worker: Worker,
    label: string,
    /** Takes back the input buffers a transferred run returns. */
    recycle: (buffers: ArrayBuffer[]) => void,
  ) {
    worker.on(
      'message',
      (msg: { id: number; outputs?: Record<string, TensorData>; error?: string; inputs?: ArrayBuffer[] }) => {
        if (msg.inputs) recycle(msg.inputs);
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (this.pending.size === 0) worker.unref();
        if (msg.error !== undefined) p.reject(new ModelRunError(`${label}: ${msg.error}`));
        else p.resolve(msg.outputs!);
      },
    );
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.alive = false;
      this.failAll(new ModelRunError(`${label}: the inference thread exited`));
    });
  }

  run(
    id: number,
    feeds: Record<string, TensorData>,
    transfer: ArrayBuffer[],
    fetch?: string[],
  ): Promise<Record<string, TensorData>> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, feeds, fetch, returnInputs: transfer.length > 0 }, transfer);
    });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** Starts one worker thread holding the model; resolves with its I/O once onnxruntime loaded it. */
async function startThread(path: string, threads: number, bytes?: Uint8Array) {
  const worker = new Worker(new URL('./session-worker.js', import.meta.url), { workerData: { path, bytes, threads } });
  const ready = await new Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }>((res, rej) => {
    worker.once('message', (msg: { type: string; error?: string; inputs: TensorInfo[]; outputs: TensorInfo[] }) =>
      msg.type === 'ready' ? res(msg) : rej(new ModelLoadError(`cannot load model ${path}: ${msg.error}`)),
    );
    worker.once('error', (err) => rej(new ModelLoadError(`cannot load model ${path}: ${err.message}`)));
  }).catch(async (err: Error) => {
    await worker.terminate();
    throw err;
  });
  worker.unref();
  return { worker, ...ready };
}

/**
 * An onnxruntime session living on worker threads (one per instance), created once per
 * process per model file (see `openSession`). Graph optimisations are on. `run` is async
 * and never blocks the event loop; runs on one instance are queued by its thread.
 */
export class ModelSession {
  private nextId = 0;
  private closed = false;
  private readonly threads: SessionThread[];
  /**
   * Input buffers back from transferred runs, by size. A person-detector input is 1.8 MB
   * per frame: allocated afresh, its page faults and the full collections that V8
   * starts on such external memory cost more CPU than filling it.
   */
  private readonly spare = new Map<number, ArrayBuffer[]>();

  private constructor(
    readonly path: string,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
    workers: Worker[],
  ) {
    this.threads = workers.map((w) => new SessionThread(w, path, (buffers) => this.recycle(buffers)));
  }

  /** A session for a model file, or for model bytes built in memory (`path` then only labels it). */
  static async start(path: string, opts: SessionOptions, bytes?: Uint8Array): Promise<ModelSession> {
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, opts.instances ?? 1) }, () => startThread(path, opts.threads ?? 0, bytes)),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (failed) {
      await Promise.all(ok.map((t) => t.worker.terminate()));
      throw failed.reason;
    }
    return new ModelSession(
      path,
      ok[0]!.inputs,
      ok[0]!.outputs,
      ok.map((t) => t.worker),
    );
  }

  /**
   * Runs the model on the least busy instance. Input buffers are copied, or with
   * `transferInputs` handed over to the thread without a copy (the caller's arrays are
   * then detached). Outputs are transferred back (no copy): only those named in `outputs`
   * when given (an unused output still costs a fresh buffer per run, and V8 collects
   * more often for it).
   */
  run(
    feeds: Record<string, TensorData>,
    opts: { transferInputs?: boolean; outputs?: string[] } = {},
  ): Promise<Record<string, TensorData>> {
    if (this.closed) return Promise.reject(new ModelRunError(`${this.path}: session is closed`));
    const thread = this.threads
      .filter((t) => t.alive)
      .reduce<SessionThread | null>((best, t) => (!best || t.pending.size < best.pending.size ? t : best), null);
    if (!thread) return Promise.reject(new ModelRunError(`${this.path}: every inference thread has exited`));
    const transfer = opts.transferInputs
      ? [...new Set(Object.values(feeds).map((f) => f.data.buffer as ArrayBuffer))]
      : [];
    return thread.run(this.nextId++, feeds, transfer, opts.outputs);
  }

  /**
   * An input array of `length` floats, new or reused (then holding an earlier run's values: write every
   * element). Passed with `transferInputs`, it comes back here.
   */
  inputArray(length: number): Float32Array<ArrayBuffer> {
    const buffer = this.spare.get(length * 4)?.pop();
    return buffer ? new Float32Array(buffer) : new Float32Array(length);
  }

  private recycle(buffers: ArrayBuffer[]): void {
    for (const b of buffers) {
      const list = this.spare.get(b.byteLength) ?? [];
      // As many as can be in flight at once; more would only hold memory.
      if (list.length < this.threads.length + 1) list.push(b);
      this.spare.set(b.byteLength, list);
    }
  }

  /** Runs waiting or in progress on each instance. */
  get load(): number[] {
    return this.threads.map((t) => t.pending.size);
  }

  /** Fixed batch size of the first input, or null when the batch dimension is dynamic. */
  get fixedBatch(): number | null {
    const b = this.inputs[0]?.shape[0];
    return typeof b === 'number' && b > 0 ? b : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

const sessions = new Map<string, Promise<ModelSession>>();

/** The process-wide session for a model file (created on first use, then shared). */
export function openSession(path: string, opts: SessionOptions = {}): Promise<ModelSession> {
  const key = `${resolve(path)}|${opts.threads ?? 0}|${opts.instances ?? 1}`;
  let session = sessions.get(key);
  if (!session) {
    session = ModelSession.start(resolve(path), opts);
    sessions.set(key, session);
    // A failed load is not cached: the file may be fixed or prepared later.
    session.catch(() => sessions.delete(key));
  }
  return session;
}

/** Closes every session (graceful shutdown, tests). */
export async function closeAllSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(
    all.map((s) =>
      s.then(
        (x) => x.close(),
        () => undefined,
      ),
    ),
  );
}
