/** Stack component: Prometheus from Debian, scraping every service's /metrics. */
import { localPrometheusConfig } from "./local.ts";
import { type Component, componentStatus } from "../stack/component.ts";
import { scrapeTargets, type StackConfig } from "../stack/config.ts";
import {
  httpOk,
  isAlive,
  readLivePid,
  spawnDetached,
  stopPid,
  waitFor,
} from "../../shared/process/mod.ts";

const PROMETHEUS_BIN = "/usr/bin/prometheus";

/** Prometheus as a stack component; the config is regenerated on every `up`. */
export function prometheusComponent(config: StackConfig): Component {
  const dir = `${config.dir}/prometheus`;
  const log = `${dir}/prometheus.log`;
  const pidFile = `${dir}/prometheus.pid`;
  const configFile = `${dir}/prometheus.yml`;
  const { port, url } = config.prometheus;
  const ready = () => httpOk(`${url}/-/ready`);
  return {
    name: "prometheus",
    log,
    async up() {
      await Deno.mkdir(`${dir}/data`, { recursive: true });
      await Deno.writeTextFile(
        configFile,
        localPrometheusConfig(scrapeTargets(config.services)),
      );
      const owned = await readLivePid(pidFile);
      if (owned !== null) {
        // Ours: pick up a changed service port without a restart.
        await fetch(`${url}/-/reload`, { method: "POST", signal: AbortSignal.timeout(5_000) })
          .then((r) => r.body?.cancel(), () => {});
        return false;
      }
      if (await ready()) return false;
      const pid = await spawnDetached(PROMETHEUS_BIN, [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-lifecycle",
        "--storage.tsdb.retention.time=7d",
      ], { pidFile, logFile: log });
      await waitFor(async () => {
        // A bind error kills it at once; say so instead of waiting out the timeout.
        if (!isAlive(pid)) {
          throw new Error(`Prometheus exited during startup (port ${port} taken?)`);
        }
        return await ready();
      }, { timeoutMs: 30_000, what: `Prometheus at ${url}` });
      return true;
    },
    async down() {
      const pid = await readLivePid(pidFile);
      if (pid === null) return false;
      await stopPid(pid, { timeoutMs: 15_000 });
      await Deno.remove(pidFile).catch(() => {});
      return true;
    },
    async status() {
      const pid = await readLivePid(pidFile);
      const up = await ready();
      return componentStatus("prometheus", { up, pid, url, log });
    },
  };
}
