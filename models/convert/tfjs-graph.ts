/** The parts of a TF.js graph-model `model.json` the converter reads. */
import type { DataType } from '../onnx/graph-builder.js';
import { ModelFormatError } from './errors.js';
import type { WeightsManifestGroup } from './tfjs-weights.js';

export interface TfAttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; type?: string[] };
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfTensorInfo {
  name: string;
  dtype: string;
  tensorShape?: { dim?: { size: string | number }[] };
}

export interface TfjsGraphModelJson {
  format?: string;
  modelTopology: { node: TfNode[]; library?: { function?: unknown[] }; versions?: { producer?: number } };
  weightsManifest: WeightsManifestGroup[];
  signature?: { inputs?: Record<string, TfTensorInfo>; outputs?: Record<string, TfTensorInfo> };
}

const TF_DTYPES: Record<string, DataType> = {
  DT_FLOAT: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_BOOL: 'bool',
  DT_UINT8: 'uint8',
  DT_HALF: 'float16',
};

export function onnxDtype(tfType: string, where: string): DataType {
  const t = TF_DTYPES[tfType];
  if (!t) throw new ModelFormatError(`${where}: TF dtype ${tfType} is not supported`);
  return t;
}

/** A tensor reference in a node's input list: `name`, `name:1`; `^name` is a control edge. */
export function parseRef(ref: string): { node: string; index: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? { node: m[1]!, index: Number(m[2]) } : { node: ref, index: 0 };
}

/** Typed reads of node attributes. */
export const attrs = {
  string(n: TfNode, key: string, fallback = ''): string {
    const s = n.attr?.[key]?.s;
    return s === undefined ? fallback : Buffer.from(s, 'base64').toString('utf8');
  },
  strings: (n: TfNode, key: string): string[] =>
    (n.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8')),
  ints: (n: TfNode, key: string): number[] => (n.attr?.[key]?.list?.i ?? []).map(Number),
  int: (n: TfNode, key: string, fallback = 0): number => Number(n.attr?.[key]?.i ?? fallback),
  float: (n: TfNode, key: string, fallback = 0): number => Number(n.attr?.[key]?.f ?? fallback),
  bool: (n: TfNode, key: string, fallback = false): boolean => n.attr?.[key]?.b ?? fallback,
  type: (n: TfNode, key: string): string | undefined => n.attr?.[key]?.type,
  shape: (n: TfNode, key: string): number[] | undefined => n.attr?.[key]?.shape?.dim?.map((d) => Number(d.size)),
};
