/** Starts and stops a detached single-node KRaft broker. */

import {
  exists,
  readLivePid as readLivePidFile,
  run,
  spawnDetached,
  stopPid,
} from "../../shared/process/mod.ts";
import { ensureKafkaJars, type EnsureKafkaJarsOptions } from "./jars.ts";
import { LOG4J2_PROPERTIES, serverProperties } from "./server_properties.ts";

/** Options of {@linkcode startKafka}. */
export interface StartKafkaOptions {
  /** Holds server.properties, kafka.pid and the partition logs (`<dataDir>/logs`). */
  dataDir: string;
  /** Client port on 127.0.0.1. Default 9092. */
  port?: number;
  /** Controller port on 127.0.0.1. Default `port + 1`. */
  controllerPort?: number;
  /** Broker stdout/stderr go here (appended). Default `<dataDir>/kafka.log`. */
  logFile?: string;
  /** JVM max heap. Default "512m". */
  heap?: string;
  /** Default partition count of created topics. Default 6. */
  partitions?: number;
  /** Where and which jars to use. Defaults of {@linkcode ensureKafkaJars}. */
  jars?: EnsureKafkaJarsOptions;
  /** Java executable. Default `java`. */
  java?: string;
}

const PID_FILE = "kafka.pid";
const KAFKA_MAIN = "kafka.Kafka";

/**
 * Formats the KRaft storage on first use, then launches `kafka.Kafka` in its own session so it
 * outlives the calling Deno process, and returns the broker pid. If the pid file names a live
 * process the broker is considered running and its pid is returned unchanged.
 */
export async function startKafka(opts: StartKafkaOptions): Promise<number> {
  const dataDir = await Deno.realPath(await mkdirp(opts.dataDir));
  const running = await readLivePid(dataDir);
  if (running !== null) return running;

  const port = opts.port ?? 9092;
  const java = opts.java ?? "java";
  const logFile = opts.logFile ?? `${dataDir}/kafka.log`;
  const classpath = await ensureKafkaJars(opts.jars);
  const propsFile = `${dataDir}/server.properties`;
  const log4jFile = `${dataDir}/log4j2.properties`;
  await Deno.writeTextFile(
    propsFile,
    serverProperties({
      logDir: `${dataDir}/logs`,
      port,
      controllerPort: opts.controllerPort ?? port + 1,
      partitions: opts.partitions ?? 6,
    }),
  );
  await Deno.writeTextFile(log4jFile, LOG4J2_PROPERTIES);
  const jvm = [
    `-Xmx${opts.heap ?? "512m"}`,
    "-Xms128m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jFile}`,
    "-cp",
    classpath,
  ];

  if (!(await exists(`${dataDir}/logs/meta.properties`))) {
    await run(java, [
      ...jvm,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      randomClusterId(),
      "-c",
      propsFile,
    ]).catch((cause) => {
      throw new Error(
        `Cannot format Kafka storage in "${dataDir}/logs": ${(cause as Error).message}`,
        { cause },
      );
    });
  }

  // The pid file names the JVM itself (spawnDetached execs java), checked by its main class.
  return await spawnDetached(java, [...jvm, KAFKA_MAIN, propsFile], {
    pidFile: `${dataDir}/${PID_FILE}`,
    logFile,
    cmdlineIncludes: KAFKA_MAIN,
  });
}

/** Options of {@linkcode stopKafka}. */
export interface StopKafkaOptions {
  /** How long to wait after SIGTERM before SIGKILL. Default 30000. */
  timeoutMs?: number;
}

/** Stops the broker named by `<dataDir>/kafka.pid`: SIGTERM, then SIGKILL after the timeout. */
export async function stopKafka(dataDir: string, opts: StopKafkaOptions = {}): Promise<void> {
  const pid = await readLivePid(dataDir);
  const pidFile = `${dataDir}/${PID_FILE}`;
  if (pid === null) {
    await Deno.remove(pidFile).catch(() => {});
    return;
  }
  await stopPid(pid, { timeoutMs: opts.timeoutMs ?? 30_000 });
  await Deno.remove(pidFile).catch(() => {});
}

/** Pid from `<dataDir>/kafka.pid` when that process is alive and is the broker, else null. */
export function readLivePid(dataDir: string): Promise<number | null> {
  return readLivePidFile(`${dataDir}/${PID_FILE}`, { cmdlineIncludes: KAFKA_MAIN });
}

/** KRaft cluster ids are 16 random bytes in unpadded base64url. */
function randomClusterId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function mkdirp(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}
