/** One enrolled person and the descriptors of their enrolment photos. */
export interface GalleryIdentity {
  id: string;
  name: string;
  descriptors: ArrayLike<number>[];
}

export interface GalleryMatch {
  id: string;
  name: string;
  /** Euclidean distance to the identity's closest descriptor. */
  distance: number;
}

export interface MatchOptions {
  /** Only these identity ids are candidates (a camera's protection cases). */
  allowedIds?: Set<string>;
  /** Matches farther than this are not matches; unset: the gallery's own threshold, if any. */
  threshold?: number;
}

/** Descriptors of different lengths cannot be compared (they come from another embedder). */
export class DescriptorMismatchError extends Error {
  override name = 'DescriptorMismatchError';
}

/**
 * Nearest-neighbour face search over every descriptor of every identity (several
 * per identity: the closest one counts). Descriptors sit in one contiguous
 * Float32Array so a search is a tight loop: 100k descriptors of 128 floats scan
 * in a few milliseconds, no index needed at the scale of a watchlist.
 */
export class Gallery {
  readonly dimensions: number;
  /** Every descriptor, row after row; an identity's rows are contiguous. */
  readonly matrix: Float32Array;
  private readonly rowIdentity: Uint32Array;
  /** First row of each identity, plus the row count at the end. */
  private readonly identityStart: Uint32Array;
  private readonly identities: { id: string; name: string }[];
  readonly threshold: number | undefined;

  constructor(identities: GalleryIdentity[], opts: { threshold?: number } = {}) {
    this.threshold = opts.threshold;
    this.identities = identities.map(({ id, name }) => ({ id, name }));
    const rows = identities.reduce((n, i) => n + i.descriptors.length, 0);
    this.dimensions = identities.find((i) => i.descriptors.length > 0)?.descriptors[0]?.length ?? 0;
    this.matrix = new Float32Array(rows * this.dimensions);
    this.rowIdentity = new Uint32Array(rows);
    this.identityStart = new Uint32Array(identities.length + 1);
    let row = 0;
    identities.forEach((identity, idx) => {
      this.identityStart[idx] = row;
      for (const d of identity.descriptors) {
        if (d.length !== this.dimensions) {
          throw new DescriptorMismatchError(
            `identity ${identity.id} has a ${d.length}-d descriptor; the gallery holds ${this.dimensions}-d ones`,
          );
        }
        this.matrix.set(d, row * this.dimensions);
        this.rowIdentity[row++] = idx;
      }
    });
    this.identityStart[identities.length] = row;
  }

  /** Number of identities. */
  get size(): number {
    return this.identities.length;
  }

  /** Number of descriptors over all identities. */
  get descriptorCount(): number {
    return this.rowIdentity.length;
  }

  /**
   * The closest identity, or null when none is within the threshold (or none is
   * allowed). With `allowedIds`, only those identities' rows are scanned.
   */
  match(descriptor: ArrayLike<number>, opts: MatchOptions = {}): GalleryMatch | null {
    const dim = this.dimensions;
    if (this.rowIdentity.length === 0) return null;
    if (descriptor.length !== dim) {
      throw new DescriptorMismatchError(`query descriptor is ${descriptor.length}-d; the gallery holds ${dim}-d ones`);
    }
    const q = Float32Array.from(descriptor);
    let best = -1;
    let bestSq = Infinity;
    const scan = (from: number, to: number) => {
      const m = this.matrix;
      for (let r = from; r < to; r++) {
        let sq = 0;
        const base = r * dim;
        // stop summing once this row cannot win
        for (let k = 0; k < dim && sq < bestSq; k++) {
          const diff = m[base + k]! - q[k]!;
          sq += diff * diff;
        }
        if (sq < bestSq) {
          bestSq = sq;
          best = r;
        }
      }
    };
    if (opts.allowedIds) {
      this.identities.forEach((identity, idx) => {
        if (opts.allowedIds!.has(identity.id)) scan(this.identityStart[idx]!, this.identityStart[idx + 1]!);
      });
    } else scan(0, this.rowIdentity.length);
    return best < 0 ? null : this.result(best, Math.sqrt(bestSq), opts.threshold);
  }

  /**
   * The nearest allowed identity at any distance, and the distance of the nearest other
   * identity (null when only one is allowed): the margin between them is open-set
   * evidence (a stranger often sits about as near to several enrolled people).
   */
  nearestTwo(
    descriptor: ArrayLike<number>,
    opts: Pick<MatchOptions, 'allowedIds'> = {},
  ): { best: GalleryMatch; secondDistance: number | null } | null {
    const ranked = this.identityDistances(descriptor, opts).sort((a, b) => a.distance - b.distance);
    const top = ranked[0];
    return top ? { best: top, secondDistance: ranked[1]?.distance ?? null } : null;
  }

  /** Every allowed identity's distance (its closest descriptor), in gallery order: what open-set scores start from. */
  identityDistances(descriptor: ArrayLike<number>, opts: Pick<MatchOptions, 'allowedIds'> = {}): GalleryMatch[] {
    if (this.rowIdentity.length === 0) return [];
    if (descriptor.length !== this.dimensions) {
      throw new DescriptorMismatchError(
        `query descriptor is ${descriptor.length}-d; the gallery holds ${this.dimensions}-d ones`,
      );
    }
    const out: GalleryMatch[] = [];
    this.identities.forEach((identity, idx) => {
      if (opts.allowedIds && !opts.allowedIds.has(identity.id)) return;
      let bestSq = Number.POSITIVE_INFINITY;
      for (let r = this.identityStart[idx]!; r < this.identityStart[idx + 1]!; r++) {
        let sq = 0;
        const base = r * this.dimensions;
        for (let k = 0; k < this.dimensions && sq < bestSq; k++) sq += (this.matrix[base + k]! - descriptor[k]!) ** 2;
        if (sq < bestSq) bestSq = sq;
      }
      if (bestSq < Number.POSITIVE_INFINITY) out.push({ ...identity, distance: Math.sqrt(bestSq) });
    });
    return out;
  }

  /** The match for row `row` at `distance`, or null when that is beyond the threshold. */
  result(row: number, distance: number, threshold = this.threshold): GalleryMatch | null {
    if (threshold !== undefined && distance > threshold) return null;
    const identity = this.identities[this.rowIdentity[row]!]!;
    return { id: identity.id, name: identity.name, distance };
  }
}

/** Euclidean distance between two descriptors of equal length. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new DescriptorMismatchError(`descriptors differ in length: ${a.length} and ${b.length}`);
  let sq = 0;
  for (let i = 0; i < a.length; i++) sq += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sq);
}

/** Scales a vector to unit length (returns a new array; a zero vector stays zero). */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! ** 2;
  const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
