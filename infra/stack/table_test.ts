import assert from "node:assert/strict";
import { formatStatusTable } from "./table.ts";

Deno.test("formatStatusTable() aligns columns and shows '-' for a missing pid", () => {
  const table = formatStatusTable([
    {
      name: "kafka",
      state: "up",
      owner: "stack",
      pid: 4242,
      url: "127.0.0.1:9092",
      log: "/s/kafka/kafka.log",
    },
    {
      name: "postgres",
      state: "down",
      owner: "-",
      pid: null,
      url: "postgres://127.0.0.1:5432/eventflow",
      log: "/s/postgres/postgres.log",
    },
  ]);
  assert.equal(
    table,
    [
      "COMPONENT  STATE  OWNER  PID   URL                                  LOG",
      "kafka      up     stack  4242  127.0.0.1:9092                       /s/kafka/kafka.log",
      "postgres   down   -      -     postgres://127.0.0.1:5432/eventflow  /s/postgres/postgres.log",
    ].join("\n"),
  );
});

Deno.test("formatStatusTable() prints only the header for no components", () => {
  assert.equal(formatStatusTable([]), "COMPONENT  STATE  OWNER  PID  URL  LOG");
});
