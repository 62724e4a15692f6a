import type { Gallery, GalleryMatch, MatchOptions } from '../pipeline/face-match.js';
import { GraphBuilder } from './onnx/graph-builder.js';
import { ModelSession, type SessionOptions } from './session.js';

/** Below this many descriptors the plain scan is as fast as a thread hop. */
const MIN_ROWS_FOR_ONNX = 20_000;

/**
 * Gallery search for large watchlists: the descriptors become a constant of a small
 * ONNX graph (scores = q·Gᵀ − |g|²/2, then the best row), so onnxruntime's SIMD GEMV
 * scans 100k descriptors in a few milliseconds on its own thread. Built once per
 * watchlist version. Searches restricted to a few allowed identities, and small
 * galleries, use the gallery's own scan.
 */
export class GalleryIndex {
  private constructor(
    readonly gallery: Gallery,
    private readonly session: ModelSession | null,
  ) {}

  static async build(gallery: Gallery, opts: SessionOptions = {}): Promise<GalleryIndex> {
    const rows = gallery.descriptorCount;
    if (rows < MIN_ROWS_FOR_ONNX) return new GalleryIndex(gallery, null);
    const dim = gallery.dimensions;
    const transposed = new Float32Array(dim * rows);
    const halfNorm = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let k = 0; k < dim; k++) {
        const v = gallery.matrix[r * dim + k]!;
        transposed[k * rows + r] = v;
        sq += v * v;
      }
      halfNorm[r] = sq / 2;
    }
    const g = new GraphBuilder('gallery-search');
    const q = g.input('query', 'float32', [1, dim]);
    const scores = g.op('Sub', [
      g.op('MatMul', [q, g.constant('float32', [dim, rows], transposed)]),
      g.constant('float32', [rows], halfNorm),
    ]);
    const [best, row] = g.node(
      'TopK',
      [scores, g.int64s([1])],
      { axis: -1, largest: 1, sorted: 1 },
      { outputs: ['score', 'row'] },
    );
    g.output(best!, 'float32', [1, 1]);
    g.output(row!, 'int64', [1, 1]);
    const session = await ModelSession.start(
      `gallery (${rows} descriptors)`,
      { threads: opts.threads ?? 1 },
      g.toBytes(),
    );
    return new GalleryIndex(gallery, session);
  }

  /** Same answer as `Gallery.match`. */
  async match(descriptor: ArrayLike<number>, opts: MatchOptions = {}): Promise<GalleryMatch | null> {
    if (!this.session || opts.allowedIds || descriptor.length !== this.gallery.dimensions)
      return this.gallery.match(descriptor, opts);
    const query = Float32Array.from(descriptor);
    const out = await this.session.run({ query: { data: query, dims: [1, query.length] } });
    const qq = query.reduce((s, v) => s + v * v, 0);
    // |q − g|² = |q|² − 2·(q·g − |g|²/2)
    const distance = Math.sqrt(Math.max(0, qq - 2 * out.score!.data[0]!));
    return this.gallery.result(out.row!.data[0]!, distance, opts.threshold);
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}
