import assert from "node:assert/strict";
import { alertmanagerPayload } from "../testing/fixtures.ts";
import { AlertmanagerPayloadSchema, opsNotifications, opsText } from "./alertmanager.ts";

Deno.test("opsText() names the alert, its severity, its labels, summary and runbook", () => {
  const alert = AlertmanagerPayloadSchema.parse(alertmanagerPayload()).alerts[0]!;
  assert.equal(
    opsText(alert),
    "🔥 FIRING EventFlowSinkStoreDown [critical] store=postgres: Sink cannot write to postgres " +
      "(runbook: docs/operations.md#eventflowsinkstoredown)",
  );
  const resolved = AlertmanagerPayloadSchema.parse(alertmanagerPayload("resolved")).alerts[0]!;
  assert.match(opsText(resolved), /^✅ RESOLVED EventFlowSinkStoreDown/);
});

Deno.test("opsNotifications() gives firing and resolved alerts different stable ids", () => {
  const now = new Date("2026-04-10T12:00:30Z");
  const [firing] = opsNotifications(AlertmanagerPayloadSchema.parse(alertmanagerPayload()), now);
  const [again] = opsNotifications(AlertmanagerPayloadSchema.parse(alertmanagerPayload()), now);
  const [resolved] = opsNotifications(
    AlertmanagerPayloadSchema.parse(alertmanagerPayload("resolved")),
    now,
  );
  assert.equal(firing!.id, "ops:c0ffee0123456789:firing:2026-04-10T12:00:00Z");
  assert.equal(again!.id, firing!.id);
  assert.notEqual(resolved!.id, firing!.id);
  assert.equal(firing!.rule, "EventFlowSinkStoreDown");
  const body = JSON.parse(firing!.body);
  assert.equal(body.kind, "ops");
  assert.equal(body.status, "firing");
  assert.deepEqual(body.labels, alertmanagerPayload().alerts[0]!.labels);
  assert.equal(body.triggered_at, "2026-04-10T12:00:30.000Z");
});

Deno.test("AlertmanagerPayloadSchema names the field that is wrong", () => {
  const payload = alertmanagerPayload();
  const noName = { ...payload, alerts: [{ ...payload.alerts[0]!, labels: { severity: "x" } }] };
  const result = AlertmanagerPayloadSchema.safeParse(noName);
  assert.equal(result.success, false);
  assert.deepEqual(result.error!.issues[0]!.path, ["alerts", 0, "labels"]);
  assert.equal(AlertmanagerPayloadSchema.safeParse({ ...payload, version: "3" }).success, false);
});
