/** A TF.js op the converter cannot translate; names the op and the node so the gap is obvious. */
export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError';
  constructor(
    readonly op: string,
    readonly node: string,
    detail?: string,
  ) {
    super(`unsupported TF.js op '${op}' at node '${node}'${detail ? `: ${detail}` : ''}`);
  }
}

/** A model.json or weights manifest that does not match what it describes (missing shard, short data, bad dtype). */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}
