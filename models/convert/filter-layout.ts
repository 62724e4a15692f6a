/** TF convolution filters rearranged for ONNX Conv (shared by the converter and the face-api graph builders). */

/** HWIO [kh, kw, in, out] -> OIHW [out, in, kh, kw]. */
export function convFilter(data: ArrayLike<number>, [kh, kw, ci, co]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++)
      for (let c = 0; c < ci!; c++)
        for (let o = 0; o < co!; o++)
          out[((o * ci! + c) * kh! + i) * kw! + j] = data[((i * kw! + j) * ci! + c) * co! + o]!;
  return out;
}

/** Depthwise [kh, kw, C, M] -> grouped conv [C*M, 1, kh, kw]; TF's output channel c*M+m is ONNX's too. */
export function depthwiseFilter(data: ArrayLike<number>, [kh, kw, c, m]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++)
      for (let ch = 0; ch < c!; ch++)
        for (let k = 0; k < m!; k++)
          out[((ch * m! + k) * kh! + i) * kw! + j] = data[((i * kw! + j) * c! + ch) * m! + k]!;
  return out;
}
