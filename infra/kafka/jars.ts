/** Fetches the Apache Kafka broker and tools jars with Maven into a git-ignored cache. */
import { exists, run } from "../../shared/process/mod.ts";
import { verifyMavenChecksums, type VerifyMavenChecksumsOptions } from "./checksums.ts";

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
  /** Where the published checksums of the jars are read. Default Maven Central. */
  checksums?: VerifyMavenChecksumsOptions;
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
 * never looks complete. Maven runs with strict checksums, and every jar is then checked again
 * against the checksum Maven Central publishes beside it (a jar already in `~/.m2` is not
 * re-checked by Maven); a mismatch throws and nothing is installed.
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
    "-C",
    "-f",
    POM,
    `-Dkafka.version=${version}`,
    "dependency:copy-dependencies",
    "-Dmdep.useRepositoryLayout=true",
    `-DoutputDirectory=${staging}/repo`,
  ]).catch((cause) => {
    throw new Error(
      `Cannot fetch Kafka ${version} with Maven (is "${mvn}" installed, does the version exist ` +
        `on Maven Central?): ${(cause as Error).message}`,
      { cause },
    );
  });
  await verifyMavenChecksums(`${staging}/repo`, opts.checksums);
  await flattenInto(`${staging}/repo`, staging);
  await Deno.remove(`${staging}/repo`, { recursive: true });
  await Deno.writeTextFile(`${staging}/${COMPLETE_MARKER}`, new Date().toISOString());
  await Deno.remove(libs, { recursive: true }).catch(() => {});
  await Deno.rename(staging, libs);
  return classpath;
}

/** Moves every jar under `dir` into `target` (the JVM classpath wildcard is not recursive). */
async function flattenInto(dir: string, target: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) await flattenInto(path, target);
    else if (entry.name.endsWith(".jar")) await Deno.rename(path, `${target}/${entry.name}`);
  }
}

function pathOf(url: URL): string {
  return decodeURIComponent(url.pathname);
}
