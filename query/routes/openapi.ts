/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes validate with, and a
 * small server-rendered API reference page built from that document (no CDN, no script).
 */
import { z } from "zod";
import { QUESTIONS } from "../core/questions.ts";
import { PARAMS } from "../core/params.ts";
import { SpendBodySchema, SpendQuerySchema } from "./spend.ts";
import { UserIdSchema } from "./users.ts";

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

function queryParameters(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: "query",
      required: required.has(name),
      description: description as string | undefined,
      schema: rest,
    };
  });
}

const ERROR = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        field: { type: "string" },
      },
      required: ["code", "message"],
    },
  },
};

const ERRORS = {
  "400": {
    description: "A parameter is invalid; `error.field` names it.",
    content: { "application/json": { schema: ERROR } },
  },
  "401": {
    description: "No valid `Authorization: Bearer <token>`.",
    content: { "application/json": { schema: ERROR } },
  },
  "502": { description: "ClickHouse failed.", content: { "application/json": { schema: ERROR } } },
  "504": {
    description: "The query ran past its time limit.",
    content: { "application/json": { schema: ERROR } },
  },
};

/** Builds the OpenAPI 3.1 document of the query API. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const q of QUESTIONS) {
    paths[`/api/v1${q.path}`] = {
      get: {
        operationId: q.name,
        summary: q.summary,
        description: q.description,
        parameters: queryParameters(q.schema),
        responses: {
          "200": {
            description: "The answer. Header `X-Cache` says hit or miss.",
            headers: { "X-Cache": { schema: { type: "string", enum: ["hit", "miss"] } } },
            content: { "application/json": { schema: { type: "object" } } },
          },
          ...ERRORS,
        },
      },
    };
  }
  paths["/api/v1/users/{id}"] = {
    get: {
      operationId: "user",
      summary: "One user: profile and recent timeline",
      description:
        "PostgreSQL's user row, what ClickHouse saw of the actor, and the latest events.",
      parameters: [
        { name: "id", in: "path", required: true, schema: z.toJSONSchema(UserIdSchema) },
        ...queryParameters(PARAMS.user),
      ],
      responses: {
        "200": {
          description: "The user.",
          content: { "application/json": { schema: { type: "object" } } },
        },
        "404": {
          description: "Nobody with this id was seen.",
          content: { "application/json": { schema: ERROR } },
        },
        ...ERRORS,
      },
    },
  };
  paths["/api/v1/campaigns/spend"] = {
    get: {
      operationId: "listSpend",
      summary: "Campaign spend per day",
      parameters: queryParameters(SpendQuerySchema),
      responses: { "200": { description: "Entries of the days asked for." }, ...ERRORS },
    },
    put: {
      operationId: "setSpend",
      summary: "Set campaign spend per day (insert or replace)",
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: z.toJSONSchema(SpendBodySchema, { io: "input" }) },
        },
      },
      responses: { "200": { description: "Saved." }, ...ERRORS },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "EventFlow query API",
      version: "1.0.0",
      description: "Business questions over EventFlow's events. Every /api/v1 call needs " +
        "`Authorization: Bearer <token>` (create one with `deno run -A query/cli/tokens.ts create " +
        "--name <name>`). Ranges: `from`/`to` or `last`, in timezone `tz`. See docs/query.md.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const escape = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The API reference page: every operation with its parameters, from the OpenAPI document. */
export function docsPage(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; description: string };
  const sections: string[] = [];
  for (
    const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )
  ) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters as {
        name: string;
        in: string;
        required: boolean;
        description?: string;
        schema: Record<string, unknown>;
      }[] | undefined) ?? [];
      const rows = params.map((p) => {
        const s = p.schema;
        const type = s.enum
          ? (s.enum as string[]).join(" | ")
          : s.pattern
          ? `${s.type} /${s.pattern}/`
          : String(s.type ?? "");
        return `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}${
          p.required ? ", required" : ""
        }</td><td><code>${escape(type)}</code>${
          s.default !== undefined ? ` (default <code>${escape(s.default)}</code>)` : ""
        }</td><td>${escape(p.description)}</td></tr>`;
      }).join("");
      sections.push(
        `<section id="${
          escape(op.operationId)
        }"><h2><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>
<p><b>${escape(op.summary)}</b></p>${op.description ? `<p>${escape(op.description)}</p>` : ""}
${
          rows
            ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Meaning</th></tr>${rows}</table>`
            : ""
        }</section>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${
    escape(info.title)
  }</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
code{background:#f4f4f4;padding:0 3px}.m{background:#264;color:#fff;padding:0 6px;border-radius:3px;font-size:80%}
section{margin:2em 0}</style></head><body><h1>${escape(info.title)}</h1><p>${
    escape(info.description)
  }</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${sections.join("\n")}</body></html>`;
}
