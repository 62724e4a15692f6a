/** One feature-map level of an anchor-free detector: stride and grid size. */
export interface GridLevel {
  stride: number;
  cols: number;
  rows: number;
}

/** Levels for a square-or-not input and the usual strides 8/16/32 (cells rounded up, as the nets pad). */
export function gridLevels(width: number, height: number, strides: readonly number[] = [8, 16, 32]): GridLevel[] {
  return strides.map((stride) => ({ stride, cols: Math.ceil(width / stride), rows: Math.ceil(height / stride) }));
}

/** Cells of every level in row-major order: the order YOLOX, YuNet and SCRFD emit predictions in. */
export function* gridCells(
  levels: readonly GridLevel[],
  perCell = 1,
): Generator<{ gx: number; gy: number; stride: number; level: number }> {
  for (let level = 0; level < levels.length; level++) {
    const { stride, cols, rows } = levels[level]!;
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++) {
        for (let a = 0; a < perCell; a++) yield { gx, gy, stride, level };
      }
    }
  }
}
