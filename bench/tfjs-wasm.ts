import { Worker } from 'node:worker_threads';

/** Models the TF.js WASM reference can run: human's graph models and face-api's two nets. */
export type TfjsModel = 'centernet' | 'blazeface' | 'faceres' | 'faceLandmark68Net' | 'faceRecognitionNet';

/** The same models on @tensorflow/tfjs-backend-wasm, timed in their own thread (see tfjs-wasm-worker.mjs). */
export class TfjsWasmReference {
  private readonly worker = new Worker(new URL('./tfjs-wasm-worker.mjs', import.meta.url));
  private readonly ready = new Promise<void>((resolve, reject) => {
    this.worker.once('message', () => resolve());
    this.worker.once('error', reject);
  });
  private nextId = 0;

  /** Milliseconds of each of `runs` inferences after `warmup` untimed ones. */
  async time(model: TfjsModel, data: Float32Array, shape: number[], warmup: number, runs: number): Promise<number[]> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (msg: { id?: number; times?: number[]; error?: string }) => {
        if (msg.id !== id) return;
        this.worker.off('message', onMessage);
        if (msg.error) reject(new Error(`tfjs-wasm ${model}: ${msg.error}`));
        else resolve(msg.times!);
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage({ id, model, data, shape, warmup, runs });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
