/** Runs face-api's own networks on TF.js (CPU backend) in a worker thread: the parity reference. */
import { Worker } from 'node:worker_threads';

export type FaceApiNetName = 'faceLandmark68Net' | 'faceRecognitionNet';

export class FaceApiReference {
  private readonly worker = new Worker(new URL('./faceapi-reference-worker.mjs', import.meta.url));
  private nextId = 0;

  /** face-api's `nets[net].forward(x)` for an NHWC float32 batch; resolves to its flat output. */
  forward(net: FaceApiNetName, data: Float32Array, shape: number[]): Promise<{ data: Float32Array; shape: number[] }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const done = () => {
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
      };
      const onMessage = (msg: { id: number; data?: Float32Array; shape?: number[]; error?: string }) => {
        if (msg.id !== id) return;
        done();
        if (msg.error) reject(new Error(`face-api reference failed: ${msg.error}`));
        else resolve({ data: msg.data!, shape: msg.shape! });
      };
      // A worker that dies (a missing module, a crash) fails the call instead of leaving it to time out.
      const onError = (err: Error) => {
        done();
        reject(new Error(`face-api reference worker died: ${err.message}`));
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage({ id, net, data, shape });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
