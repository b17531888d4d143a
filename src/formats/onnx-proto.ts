// The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) that an exported network needs:
// its messages as plain objects with the official field names, and their encoder, with the field
// numbers of the official file. Messages and fields the exporter never writes are left out. A
// protobuf library would bring 4 MB of install and 100 kB of bundle for these seven messages.
import { ProtobufWriter } from './protobuf-writer.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

// The plain objects the exporter builds, with onnx.proto's field names.
export interface TensorProto { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }
export interface AttributeProto { name: string; type: number; f?: number; i?: number; ints?: number[] }
export interface NodeProto { name: string; op_type: string; input: string[]; output: string[]; attribute: AttributeProto[] }
/** A dimension is a size, or a name for a size known only at run time (the batch). */
export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}
export interface GraphProto {
  name: string;
  doc_string: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}
export interface ModelProto {
  ir_version: number;
  producer_name: string;
  doc_string: string;
  opset_import: { domain: string; version: number }[];
  graph: GraphProto;
}

/** The ModelProto's bytes, as an .onnx file holds them. Fields go out in field-number order. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtobufWriter().int(1, model.ir_version).string(2, model.producer_name).string(6, model.doc_string);
  w.message(7, (g) => graph(g, model.graph));
  // the default domain ('', the ONNX operators) is the field's absence
  for (const opset of model.opset_import) w.message(8, (o) => (opset.domain ? o.string(1, opset.domain) : o).int(2, opset.version));
  return w.finish();
}

function graph(w: ProtobufWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (m) => node(m, n));
  w.string(2, g.name);
  for (const t of g.initializer) w.message(5, (m) => tensor(m, t));
  w.string(10, g.doc_string);
  for (const v of g.input) w.message(11, (m) => valueInfo(m, v));
  for (const v of g.output) w.message(12, (m) => valueInfo(m, v));
}

function node(w: ProtobufWriter, n: NodeProto): void {
  for (const s of n.input) w.string(1, s);
  for (const s of n.output) w.string(2, s);
  w.string(3, n.name).string(4, n.op_type);
  for (const a of n.attribute) w.message(5, (m) => attribute(m, a));
}

function attribute(w: ProtobufWriter, a: AttributeProto): void {
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.ints !== undefined) w.packedInts(8, a.ints);
  w.int(20, a.type);
}

function tensor(w: ProtobufWriter, t: TensorProto): void {
  w.packedInts(1, t.dims).int(2, t.data_type).string(8, t.name).bytes(9, t.raw_data);
}

function valueInfo(w: ProtobufWriter, v: ValueInfoProto): void {
  const { elem_type, shape } = v.type.tensor_type;
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (t) => {
    t.int(1, elem_type);
    t.message(2, (s) => {
      for (const d of shape.dim) s.message(1, (m) => ('dim_value' in d ? m.int(1, d.dim_value) : m.string(2, d.dim_param)));
    });
  }));
}
