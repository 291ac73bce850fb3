/**
 * Avro and Protobuf schemas derived from the wire contract itself (the zod schemas of
 * shared/events, through their JSON Schema), so the binary formats carry exactly the fields JSON
 * carries. The free-form bags (`properties`, `traits`, `context`) have no schema by design: in
 * both binary formats they travel as JSON text, which is what a schema registry user does with
 * them too.
 * @module
 */
import { z } from "zod";
import type avro from "avsc";
import protobuf from "protobufjs";

/** The subset of JSON Schema `z.toJSONSchema()` emits for the event contract. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  items?: JsonSchema;
}

/** How one field is carried, independent of the binary format. */
export type FieldShape =
  | { kind: "string" | "double" | "int" | "boolean" | "json"; nullable: boolean }
  | { kind: "record"; nullable: boolean; fields: Array<[string, FieldShape]> }
  | { kind: "array"; nullable: boolean; items: FieldShape };

/** The JSON Schema of a zod object schema, as it comes out of a parse. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
}

/** Reads a JSON Schema node into a {@linkcode FieldShape}. */
export function shapeOf(node: JsonSchema, nullable = false): FieldShape {
  if (node.anyOf) {
    const others = node.anyOf.filter((n) => n.type !== "null");
    if (others.length !== 1) throw new Error(`Unsupported union ${JSON.stringify(node)}`);
    return shapeOf(others[0]!, nullable || others.length < node.anyOf.length);
  }
  if (Array.isArray(node.type)) {
    const others = node.type.filter((t) => t !== "null");
    if (others.length !== 1) throw new Error(`Unsupported type list ${node.type}`);
    return shapeOf({ ...node, type: others[0] }, true);
  }
  switch (node.type) {
    case "string":
      return { kind: "string", nullable };
    case "boolean":
      return { kind: "boolean", nullable };
    case "number":
    case "integer":
      return { kind: node.const !== undefined ? "int" : "double", nullable };
    case "array":
      return { kind: "array", nullable, items: shapeOf(node.items ?? {}) };
    case "object":
      if (!node.properties) return { kind: "json", nullable };
      return {
        kind: "record",
        nullable,
        // An optional field (absent from `required`, e.g. `source_kind`) is carried as nullable.
        fields: Object.entries(node.properties).map((
          [name, inner],
        ) => [name, shapeOf(inner, !(node.required ?? []).includes(name))]),
      };
  }
  throw new Error(`Unsupported JSON Schema node ${JSON.stringify(node)}`);
}

/** An Avro schema for `shape`, records named after `name`. */
export function avroSchemaOf(shape: FieldShape, name: string): avro.Schema {
  const base = (): avro.Schema => {
    switch (shape.kind) {
      case "string":
      case "json":
        return "string";
      case "double":
        return "double";
      case "int":
        return "int";
      case "boolean":
        return "boolean";
      case "array":
        return { type: "array", items: avroSchemaOf(shape.items, `${name}_item`) };
      case "record":
        return {
          type: "record",
          name,
          fields: shape.fields.map(([field, inner]) => ({
            name: field,
            type: avroSchemaOf(inner, `${name}_${field}`),
          })),
        };
    }
  };
  // A nullable field is the union of null and its type (null first, so the default is null).
  return shape.nullable ? (["null", base()] as unknown as avro.Schema) : base();
}

/**
 * A Protobuf message type for a record shape, built by reflection (what `protoc` would generate
 * from a .proto file). Nullable fields are proto2 `optional`: absent means null.
 */
export function protoTypeOf(shape: FieldShape, name: string): protobuf.Type {
  if (shape.kind !== "record") throw new Error(`${name}: only records become messages`);
  const root = new protobuf.Root();
  const type = buildMessage(shape, name, root);
  root.resolveAll();
  return type;
}

function buildMessage(
  shape: Extract<FieldShape, { kind: "record" }>,
  name: string,
  parent: protobuf.Namespace,
): protobuf.Type {
  const type = new protobuf.Type(name);
  parent.add(type);
  shape.fields.forEach(([field, inner], i) => {
    const element = inner.kind === "array" ? inner.items : inner;
    let typeName: string;
    if (element.kind === "record") {
      typeName = buildMessage(element, `${name}_${field}`, parent).name;
    } else if (element.kind === "double") typeName = "double";
    else if (element.kind === "int") typeName = "int32";
    else if (element.kind === "boolean") typeName = "bool";
    else typeName = "string";
    type.add(
      new protobuf.Field(field, i + 1, typeName, inner.kind === "array" ? "repeated" : "optional"),
    );
  });
  return type;
}
