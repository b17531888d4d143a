// The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) that an exported network needs,
// as a protobufjs reflection descriptor: field names and numbers exactly as in the official file,
// so there is no code-generation step and no .proto file to ship. Messages and fields the
// exporter never writes are left out.
// NOTE: protobufjs/light has the reflection and the encoder but not the .proto parser, which the
// bundle does not need.
import protobuf from 'protobufjs/light.js';

const string = (id: number) => ({ type: 'string', id });
const int64 = (id: number) => ({ type: 'int64', id });
const message = (type: string, id: number) => ({ type, id });
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: int64(1),
            producer_name: string(2),
            producer_version: string(3),
            domain: string(4),
            model_version: int64(5),
            doc_string: string(6),
            graph: message('GraphProto', 7),
            opset_import: repeated('OperatorSetIdProto', 8),
          },
        },
        OperatorSetIdProto: { fields: { domain: string(1), version: int64(2) } },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: string(2),
            initializer: repeated('TensorProto', 5),
            doc_string: string(10),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: string(3),
            op_type: string(4),
            attribute: repeated('AttributeProto', 5),
            doc_string: string(6),
            domain: string(7),
          },
        },
        AttributeProto: {
          fields: {
            name: string(1),
            f: { type: 'float', id: 2 },
            i: int64(3),
            ints: repeated('int64', 8),
            type: { type: 'AttributeType', id: 20 },
          },
          nested: {
            AttributeType: { values: { UNDEFINED: 0, FLOAT: 1, INT: 2, INTS: 7 } },
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            data_type: { type: 'int32', id: 2 },
            name: string(8),
            raw_data: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: string(1), type: message('TypeProto', 2), doc_string: string(3) } },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: message('Tensor', 1) },
          nested: { Tensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: message('TensorShapeProto', 2) } } },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: int64(1), dim_param: string(2) },
            },
          },
        },
      },
    },
  },
};

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

// The plain objects the exporter builds, with the descriptor's field names.
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

const Model = protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');

/** The ModelProto's bytes, as an .onnx file holds them. */
export function encodeModel(model: ModelProto): Uint8Array {
  // NOTE: copied into a Uint8Array of its own: in Node protobufjs returns a Buffer, which for
  // small messages is a slice of a shared pool (its .buffer holds other bytes too).
  return new Uint8Array(Model.encode(Model.fromObject(model)).finish());
}
