/**
 * Files compose mounts that are generated from the local stack's code, so both set-ups run the
 * same Alertmanager routing and Kafka JMX rules: `deno run -A infra/compose/generated.ts` writes
 * them; infra/compose/generated_test.ts fails while they are stale.
 */
import { alertmanagerConfig } from "../alertmanager/config.ts";
import { JMX_EXPORTER_RULES } from "../kafka/jmx.ts";

/** Path (from the repo root) → content. */
export function composeGeneratedFiles(): Record<string, string> {
  return {
    "infra/compose/alertmanager.yml": alertmanagerConfig({
      receiverUrl: "http://alerts:8083/api/v1/alertmanager",
      tokenFile: "/tmp/receiver_token",
    }),
    "infra/compose/kafka-jmx.yml": JMX_EXPORTER_RULES,
  };
}

if (import.meta.main) {
  const root = new URL("../../", import.meta.url);
  for (const [path, text] of Object.entries(composeGeneratedFiles())) {
    await Deno.writeTextFile(new URL(path, root), text);
    console.log(`Wrote ${path}`);
  }
}
