/**
 * Verifies jars laid out as a Maven repository against the checksums Maven Central publishes
 * beside each file (`.sha512`, `.sha256`, else `.sha1`). A jar whose digest differs, or for which
 * no checksum is published, is refused: the Kafka broker runs as root on developer machines.
 */

/** Maven Central, where infra/kafka/pom.xml resolves from. */
export const MAVEN_CENTRAL = "https://repo1.maven.org/maven2";

/** Options of {@linkcode verifyMavenChecksums}. */
export interface VerifyMavenChecksumsOptions {
  /** Repository base URL the checksums are read from. Default {@linkcode MAVEN_CENTRAL}. */
  repository?: string;
  /** Timeout of each checksum request. Default 20,000 ms. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
}

/** A jar whose digest does not match the published one, or that cannot be checked. */
export class ChecksumError extends Error {
  override name = "ChecksumError";
  /** Stable code: `CHECKSUM_MISMATCH` or `CHECKSUM_UNAVAILABLE`. */
  readonly code: "CHECKSUM_MISMATCH" | "CHECKSUM_UNAVAILABLE";
  /** Retrying helps only when the checksum could not be fetched. */
  readonly retriable: boolean;
  constructor(code: ChecksumError["code"], message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.code = code;
    this.retriable = code === "CHECKSUM_UNAVAILABLE";
  }
}

const ALGORITHMS = [
  { ext: "sha512", digest: "SHA-512" },
  { ext: "sha256", digest: "SHA-256" },
  { ext: "sha1", digest: "SHA-1" },
] as const;

/**
 * Checks every `*.jar` under `repoDir` (a Maven repository layout: `group/path/artifact/version/
 * artifact-version.jar`) against the repository's published checksum and returns how many were
 * verified. Throws {@linkcode ChecksumError} naming every jar that failed.
 */
export async function verifyMavenChecksums(
  repoDir: string,
  opts: VerifyMavenChecksumsOptions = {},
): Promise<number> {
  const jars = await listJars(repoDir, "");
  const failures: ChecksumError[] = [];
  const queue = [...jars];
  const worker = async () => {
    for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
      try {
        await verifyOne(`${repoDir}/${rel}`, rel, opts);
      } catch (error) {
        if (error instanceof ChecksumError) failures.push(error);
        else throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  if (failures.length > 0) {
    const code = failures.some((f) => f.code === "CHECKSUM_MISMATCH")
      ? "CHECKSUM_MISMATCH"
      : "CHECKSUM_UNAVAILABLE";
    throw new ChecksumError(code, failures.map((f) => f.message).join("\n"));
  }
  return jars.length;
}

async function verifyOne(file: string, rel: string, opts: VerifyMavenChecksumsOptions) {
  const base = `${opts.repository ?? MAVEN_CENTRAL}/${rel}`;
  for (const { ext, digest } of ALGORITHMS) {
    const published = await fetchChecksum(`${base}.${ext}`, opts.timeoutMs ?? 20_000);
    if (published === null) continue;
    const actual = hex(await crypto.subtle.digest(digest, await Deno.readFile(file)));
    if (actual !== published) {
      throw new ChecksumError(
        "CHECKSUM_MISMATCH",
        `Jar "${rel}" does not match its published ${ext} (${base}.${ext}): expected ` +
          `${published}, got ${actual}; delete it from ~/.m2 and fetch it again`,
      );
    }
    return;
  }
  throw new ChecksumError(
    "CHECKSUM_UNAVAILABLE",
    `Jar "${rel}" has no published checksum at ${base}.{sha512,sha256,sha1}; refusing to use it`,
  );
}

/** The hex digest in a checksum file (`<hex>` or `<hex>  <file name>`), or null when absent. */
async function fetchChecksum(url: string, timeoutMs: number): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new ChecksumError("CHECKSUM_UNAVAILABLE", `Cannot fetch checksum ${url}`, { cause });
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ChecksumError(
      "CHECKSUM_UNAVAILABLE",
      `Cannot fetch checksum ${url}: HTTP ${response.status}`,
    );
  }
  const text = (await response.text()).trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return /^[0-9a-f]+$/.test(text) ? text : null;
}

async function listJars(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(rel ? `${root}/${rel}` : root)) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listJars(root, path));
    else if (entry.isFile && entry.name.endsWith(".jar")) out.push(path);
  }
  return out.sort();
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
