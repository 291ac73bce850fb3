/** Fetches the Kafka jars when missing (called by infra/bootstrap.sh); silent when cached. */
import { ensureKafkaJars, kafkaLibsDir } from "./mod.ts";

if (import.meta.main) {
  const cached = await Deno.stat(`${kafkaLibsDir()}/.complete`).then(() => true, () => false);
  if (!cached) console.error("bootstrap: fetching Kafka jars with Maven (first run only)");
  try {
    await ensureKafkaJars();
  } catch (error) {
    console.error(`bootstrap: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
