/**
 * TF.js graph model (model.json + weights) -> ONNX bytes, op by op.
 * The ONNX graph keeps the TF.js input/output names, NHWC layout and value
 * ranges, so callers feed it exactly what they would feed TF.js.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BuiltModel, TensorSignature } from '../onnx/built-model.js';
import { GraphBuilder, type Dim } from '../onnx/graph-builder.js';
import { ConversionContext } from './conversion-context.js';
import { ModelFormatError, UnsupportedOpError } from './errors.js';
import { placeholderDims } from './ops/elementwise-ops.js';
import { OP_CONVERTERS } from './ops/index.js';
import { attrs, parseRef, type TfjsGraphModelJson, type TfNode } from './tfjs-graph.js';
import { decodeWeights, readShards, type WeightTensor } from './tfjs-weights.js';

/** Nodes in an order where every node comes after its inputs (model.json is not guaranteed to be sorted). */
function topologicalOrder(nodes: TfNode[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: TfNode[] = [];
  const visit = (start: TfNode) => {
    // Iterative DFS: these graphs are deep enough to overflow a recursive one.
    const stack: { node: TfNode; next: number }[] = [{ node: start, next: 0 }];
    visiting.add(start.name);
    while (stack.length) {
      const top = stack.at(-1)!;
      const inputs = top.node.input ?? [];
      if (top.next < inputs.length) {
        const dep = byName.get(parseRef(inputs[top.next++]!.replace(/^\^/, '')).node);
        if (!dep || done.has(dep.name)) continue;
        if (visiting.has(dep.name)) throw new ModelFormatError(`the graph has a cycle through '${dep.name}'`);
        visiting.add(dep.name);
        stack.push({ node: dep, next: 0 });
      } else {
        stack.pop();
        visiting.delete(top.node.name);
        done.add(top.node.name);
        order.push(top.node);
      }
    }
  };
  for (const n of nodes) if (!done.has(n.name)) visit(n);
  return order;
}

/** Output tensors: the signature's, else every node output nothing consumes (what TF.js does). */
function outputRefs(model: TfjsGraphModelJson): { name: string; ref: string; shape?: Dim[] }[] {
  const sig = model.signature?.outputs;
  if (sig && Object.keys(sig).length) {
    return Object.entries(sig).map(([key, info]) => ({
      name: key,
      ref: info.name,
      shape: info.tensorShape?.dim?.map((d) => (Number(d.size) >= 0 ? Number(d.size) : null)),
    }));
  }
  const consumed = new Set(
    model.modelTopology.node.flatMap((n) => (n.input ?? []).map((r) => parseRef(r.replace(/^\^/, '')).node)),
  );
  return model.modelTopology.node
    .filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name))
    .map((n) => ({ name: n.name, ref: n.name }));
}

/** Converts a parsed model.json and its decoded weights. Throws UnsupportedOpError naming the first op it cannot translate. */
export function convertTfjsGraph(
  model: TfjsGraphModelJson,
  weights: Map<string, WeightTensor>,
  name = 'model',
): BuiltModel {
  if (model.modelTopology.library?.function?.length) {
    throw new UnsupportedOpError('function library', name, 'control flow (functions) is not supported');
  }
  const nodes = model.modelTopology.node;
  const unsupported = nodes.find((n) => n.op !== 'Const' && !OP_CONVERTERS[n.op]);
  if (unsupported) throw new UnsupportedOpError(unsupported.op, unsupported.name);
  const g = new GraphBuilder(name);
  const ctx = new ConversionContext(g, new Map(nodes.map((n) => [n.name, n])), weights);
  for (const node of topologicalOrder(nodes)) {
    if (node.op !== 'Const') OP_CONVERTERS[node.op]!(node, ctx);
  }
  const outputs: TensorSignature[] = outputRefs(model).map(({ name: outName, ref, shape }) => {
    let value = ctx.value(ref);
    const dtype = ctx.dtype(ref);
    if (value !== outName) value = g.op('Identity', [value], {}, outName);
    g.output(value, dtype, shape);
    return { name: outName, dtype, shape: shape ?? [] };
  });
  const inputs: TensorSignature[] = nodes
    .filter((n) => n.op === 'Placeholder')
    .map((n) => ({
      name: n.name,
      dtype: ctx.dtype(n.name),
      shape: placeholderDims(n.name, attrs.shape(n, 'shape') ?? []),
    }));
  return { bytes: g.toBytes({ docString: `converted from TF.js graph model ${name}` }), inputs, outputs };
}

/** A rewrite of the parsed graph and its weights before conversion (e.g. a frozen input size). */
export type GraphAdaptation = (model: TfjsGraphModelJson, weights: Map<string, WeightTensor>) => void;

/** Reads model.json and its shards from disk and converts them, after `adapt` when given. */
export async function convertTfjsGraphFile(
  modelJsonPath: string,
  name?: string,
  adapt?: GraphAdaptation,
): Promise<BuiltModel> {
  let model: TfjsGraphModelJson;
  try {
    model = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfjsGraphModelJson;
  } catch (err) {
    throw new ModelFormatError(`${modelJsonPath} is not a readable TF.js model.json: ${(err as Error).message}`);
  }
  if (!model.modelTopology?.node || !Array.isArray(model.weightsManifest)) {
    throw new ModelFormatError(`${modelJsonPath} is not a TF.js graph model (no modelTopology.node / weightsManifest)`);
  }
  const weights = decodeWeights(model.weightsManifest, await readShards(model.weightsManifest, dirname(modelJsonPath)));
  adapt?.(model, weights);
  return convertTfjsGraph(model, weights, name);
}
