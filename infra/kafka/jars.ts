/** Fetches the Apache Kafka broker and tools jars with Maven into a git-ignored cache. */
import { exists, run } from "../../shared/process/mod.ts";

/** Kafka version used by the local stack; see docs/decisions.md "## Kafka". */
export const KAFKA_VERSION = "4.3.1";

/** Options of {@linkcode ensureKafkaJars}. */
export interface EnsureKafkaJarsOptions {
  /** Kafka version to fetch. Default {@linkcode KAFKA_VERSION}. */
  version?: string;
  /** Cache root; jars land in `<cacheDir>/<version>/libs`. Default `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Maven executable. Default `mvn`. */
  mvn?: string;
}

const POM = pathOf(new URL("./pom.xml", import.meta.url));
const DEFAULT_CACHE = pathOf(new URL("../../.cache/kafka", import.meta.url));
const COMPLETE_MARKER = ".complete";

/** Directory holding the jars of `version`, without fetching anything. */
export function kafkaLibsDir(opts: EnsureKafkaJarsOptions = {}): string {
  return `${opts.cacheDir ?? DEFAULT_CACHE}/${opts.version ?? KAFKA_VERSION}/libs`;
}

/**
 * Fetches the jars unless a previous run completed, and returns the JVM classpath (`<libs>/*`).
 * Maven writes into a temporary directory that is renamed at the end, so an interrupted fetch
 * never looks complete.
 */
export async function ensureKafkaJars(opts: EnsureKafkaJarsOptions = {}): Promise<string> {
  const version = opts.version ?? KAFKA_VERSION;
  const libs = kafkaLibsDir(opts);
  const classpath = `${libs}/*`;
  if (await exists(`${libs}/${COMPLETE_MARKER}`)) return classpath;

  const staging = `${libs}.partial`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  await Deno.mkdir(staging, { recursive: true });
  const mvn = opts.mvn ?? "mvn";
  await run(mvn, [
    "-q",
    "-B",
    "-f",
    POM,
    `-Dkafka.version=${version}`,
    "dependency:copy-dependencies",
    `-DoutputDirectory=${staging}`,
  ]).catch((cause) => {
    throw new Error(
      `Cannot fetch Kafka ${version} with Maven (is "${mvn}" installed, does the version exist ` +
        `on Maven Central?): ${(cause as Error).message}`,
      { cause },
    );
  });
  await Deno.writeTextFile(`${staging}/${COMPLETE_MARKER}`, new Date().toISOString());
  await Deno.remove(libs, { recursive: true }).catch(() => {});
  await Deno.rename(staging, libs);
  return classpath;
}

function pathOf(url: URL): string {
  return decodeURIComponent(url.pathname);
}
