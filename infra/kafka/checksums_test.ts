import assert from "node:assert/strict";
import { ChecksumError, verifyMavenChecksums } from "./checksums.ts";
import { ensureKafkaJars, kafkaLibsDir } from "./jars.ts";

// Real jars from the Kafka cache, checked against the real checksums on Maven Central.
const LIBS = kafkaLibsDir();
const SLF4J = { rel: "org/slf4j/slf4j-api/2.0.17", file: "slf4j-api-2.0.17.jar" }; // .sha256
const KAFKA = { rel: "org/apache/kafka/kafka_2.13/4.3.1", file: "kafka_2.13-4.3.1.jar" }; // .sha512

async function repoWith(dir: string, jars: { rel: string; file: string }[], corrupt?: string) {
  for (const jar of jars) {
    await Deno.mkdir(`${dir}/${jar.rel}`, { recursive: true });
    const bytes = await Deno.readFile(`${LIBS}/${jar.file}`);
    const middle = bytes.length >> 1;
    if (jar.file === corrupt) bytes[middle] = bytes[middle]! ^ 0xff;
    await Deno.writeFile(`${dir}/${jar.rel}/${jar.file}`, bytes);
  }
}

Deno.test("verifyMavenChecksums() accepts jars matching the sha512 or sha256 Maven Central publishes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_jars_" });
  try {
    await repoWith(dir, [SLF4J, KAFKA]);
    assert.equal(await verifyMavenChecksums(dir), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verifyMavenChecksums() refuses a jar with one flipped byte and names it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_jars_" });
  try {
    await repoWith(dir, [SLF4J, KAFKA], KAFKA.file);
    const error = await verifyMavenChecksums(dir).then(() => null, (e) => e);
    assert.ok(error instanceof ChecksumError, String(error));
    assert.equal(error.code, "CHECKSUM_MISMATCH");
    assert.match(
      error.message,
      /Jar "org\/apache\/kafka\/kafka_2\.13\/4\.3\.1\/kafka_2\.13-4\.3\.1\.jar" does not match its published sha512/,
    );
    assert.doesNotMatch(error.message, /slf4j/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verifyMavenChecksums() refuses a jar Maven Central publishes no checksum for", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_jars_" });
  try {
    await repoWith(dir, [{ rel: "org/slf4j/slf4j-api/0.0.0-not-published", file: SLF4J.file }]);
    const error = await verifyMavenChecksums(dir).then(() => null, (e) => e);
    assert.ok(error instanceof ChecksumError, String(error));
    assert.equal(error.code, "CHECKSUM_UNAVAILABLE");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A stand-in for `mvn` that "resolves" by copying jars from `source` into -DoutputDirectory. */
async function fakeMaven(dir: string, source: string): Promise<string> {
  const script = `${dir}/mvn`;
  await Deno.writeTextFile(
    script,
    `#!/bin/sh\nfor a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done\n` +
      `mkdir -p "$out" && cp -R "${source}/." "$out/"\n`,
  );
  await Deno.chmod(script, 0o755);
  return script;
}

Deno.test("ensureKafkaJars() installs verified jars flat and refuses a corrupted download", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_jars_" });
  try {
    await repoWith(`${dir}/good`, [SLF4J]);
    const good = await ensureKafkaJars({
      cacheDir: `${dir}/cache-good`,
      mvn: await fakeMaven(`${dir}/good`, `${dir}/good`),
    });
    assert.equal(good, `${dir}/cache-good/4.3.1/libs/*`);
    const installed = [...Deno.readDirSync(`${dir}/cache-good/4.3.1/libs`)].map((e) => e.name);
    assert.deepEqual(installed.sort(), [".complete", SLF4J.file]);

    await repoWith(`${dir}/bad`, [SLF4J], SLF4J.file);
    const error = await ensureKafkaJars({
      cacheDir: `${dir}/cache-bad`,
      mvn: await fakeMaven(`${dir}/bad`, `${dir}/bad`),
    }).then(() => null, (e) => e);
    assert.ok(error instanceof ChecksumError, String(error));
    assert.match(error.message, /slf4j-api-2\.0\.17\.jar" does not match its published sha256/);
    const complete = await Deno.stat(`${dir}/cache-bad/4.3.1/libs/.complete`).then(
      () => true,
      () => false,
    );
    assert.equal(complete, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
