/**
 * The three message formats measured on the real event shapes: JSON as carried today, Avro
 * (avsc) and Protobuf (protobufjs, by reflection), the binary ones with schemas derived from the
 * zod contract (schemas.ts). Each decodes back to the same object the JSON path yields.
 * @module
 */
import avro from "avsc";
import type { z } from "zod";
import { avroSchemaOf, type FieldShape, jsonSchemaOf, protoTypeOf, shapeOf } from "./schemas.ts";

/** One message format. */
export interface Codec {
  name: string;
  encode(value: Record<string, unknown>): Uint8Array;
  decode(bytes: Uint8Array): Record<string, unknown>;
}

type RecordShape = Extract<FieldShape, { kind: "record" }>;

function recordShape(schema: z.ZodType): RecordShape {
  const shape = shapeOf(jsonSchemaOf(schema));
  if (shape.kind !== "record") throw new Error("The contract's events are objects");
  return shape;
}

/** JSON text, UTF-8: what every hop writes and reads today. */
export function jsonCodec(): Codec {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    name: "JSON",
    encode: (value) => encoder.encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(decoder.decode(bytes)),
  };
}

/** The schemaless bags, carried as JSON text in the binary formats. */
function jsonFields(shape: RecordShape): string[] {
  return shape.fields.filter(([, f]) => f.kind === "json").map(([name]) => name);
}

function bagsToText(value: Record<string, unknown>, bags: string[]): Record<string, unknown> {
  const out = { ...value };
  for (const bag of bags) out[bag] = JSON.stringify(value[bag]);
  return out;
}

/** Avro binary with the contract's schema (no per-message schema id: a registry would add 5 bytes). */
export function avroCodec(schema: z.ZodType): Codec {
  const shape = recordShape(schema);
  const type = avro.Type.forSchema(avroSchemaOf(shape, "Event"));
  const bags = jsonFields(shape);
  return {
    name: "Avro",
    encode: (value) => type.toBuffer(bagsToText(value, bags)),
    decode: (bytes) => {
      const out = type.fromBuffer(bytes as unknown as Buffer) as Record<string, unknown>;
      for (const bag of bags) out[bag] = JSON.parse(out[bag] as string);
      return out;
    },
  };
}

/** Protobuf binary with a message type built from the contract (absent optional = null). */
export function protobufCodec(schema: z.ZodType): Codec {
  const shape = recordShape(schema);
  const type = protoTypeOf(shape, "Event");
  const bags = jsonFields(shape);
  return {
    name: "Protobuf",
    encode: (value) => type.encode(bagsToText(value, bags)).finish(),
    decode: (bytes) => {
      const message = type.decode(bytes);
      const out = type.toObject(message, { defaults: false, arrays: true });
      withNulls(shape, out);
      for (const bag of bags) out[bag] = JSON.parse(out[bag] as string);
      return out;
    },
  };
}

/** Protobuf leaves absent fields out; the contract has them as null. */
function withNulls(shape: RecordShape, value: Record<string, unknown>): void {
  for (const [name, field] of shape.fields) {
    const inner = value[name];
    if (inner === undefined) value[name] = null;
    else if (field.kind === "record") withNulls(field, inner as Record<string, unknown>);
    else if (field.kind === "array" && field.items.kind === "record") {
      const items = field.items;
      for (const item of inner as Record<string, unknown>[]) withNulls(items, item);
    }
  }
}
