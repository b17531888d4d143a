// An ONNX graph built one node at a time: unique value names, and initializers (constant inputs)
// copied from tensors, each tensor once.
import { checkTensor, type Tensor } from '../tensor.js';
import { AttributeType, DataType, type AttributeProto, type NodeProto, type TensorProto } from './onnx-proto.js';
import { ValueError } from '../errors.js';

export class OnnxGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #used: Set<string>;
  readonly #weights = new Map<Tensor, string>();

  /** `caller` names the exporting function in errors; `reserved` are names the graph's inputs and
   *  outputs will take, which no other value may. */
  constructor(private readonly caller: string, reserved: readonly string[]) {
    this.#used = new Set(reserved);
  }

  /** `base` if no value has it yet, else `base_2`, `base_3`, ... (ONNX names must be unique). */
  name(base: string): string {
    let name = base;
    for (let k = 2; this.#used.has(name); k++) name = `${base}_${k}`;
    this.#used.add(name);
    return name;
  }

  /** A float initializer with the tensor's current values, named `name` (or its unique variant);
   *  a tensor used twice becomes one initializer. Refuses NaN and Infinity (a diverged network). */
  weight(t: Tensor, name: string): string {
    checkTensor(`${this.caller}: ${name}`, t);
    const known = this.#weights.get(t);
    if (known !== undefined) return known;
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new ValueError(`${this.caller}: '${name}' must be finite, got ${data[i]} at index ${i} (a diverged network?)`);
      }
    }
    const unique = this.floats(name, t.shape, data);
    this.#weights.set(t, unique);
    return unique;
  }

  /** A float32 initializer; dims [] is a scalar. */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    return this.#initializer(name, dims, DataType.FLOAT, Float32Array.from(values).buffer);
  }

  /** A 1-D int64 initializer (the shape and pad lists some operators take as inputs). */
  int64s(name: string, values: readonly number[]): string {
    return this.#initializer(name, [values.length], DataType.INT64, BigInt64Array.from(values, BigInt).buffer);
  }

  // NOTE: raw_data must be little-endian; the typed arrays' bytes are, on every host WebAssembly
  // runs on (wasm memory itself is little-endian).
  #initializer(base: string, dims: readonly number[], type: number, bytes: ArrayBuffer): string {
    const name = this.name(base);
    this.initializers.push({ name, dims: [...dims], data_type: type, raw_data: new Uint8Array(bytes) });
    return name;
  }

  /** Appends a node; returns the name of its (single) output, `output` or one made from the
   *  operator's name. */
  node(opType: string, inputs: string[], attributes: AttributeProto[] = [], output = this.name(opType.toLowerCase())): string {
    // NOTE: node names and value names are separate namespaces in ONNX; a node is named after its output.
    this.nodes.push({ name: output, op_type: opType, input: inputs, output: [output], attribute: attributes });
    return output;
  }
}

/** Node attributes, typed as ONNX wants them (a float attribute of 1 is still a float). */
export const attribute = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  ints: (name: string, ints: readonly number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: [...ints] }),
};
