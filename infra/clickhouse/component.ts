/** Stack component: the chdb-backed ClickHouse HTTP stand-in of infra/clickhouse. */
import { startClickHouse, stopClickHouse, waitClickHouseReady } from "./mod.ts";
import { ensureClickHouseCredentials } from "../stack/clickhouse_users.ts";
import { type Component, componentStatus } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { httpOk, readLivePid } from "../../shared/process/mod.ts";

/** ClickHouse as a stack component: reuses a server answering /ping, else starts the stand-in. */
export function clickhouseComponent(config: StackConfig): Component {
  const dataDir = `${config.dir}/clickhouse`;
  const log = `${config.dir}/clickhouse/clickhouse.log`;
  const pidFile = `${dataDir}/clickhouse.pid`;
  const { url, port } = config.clickhouse;
  const ping = () => httpOk(new URL("/ping", url).toString());
  return {
    name: "clickhouse",
    log,
    async up() {
      const owned = await readLivePid(pidFile);
      if (await ping()) return false;
      if (owned !== null) {
        // Ours but still starting (or wedged): wait rather than start a second one.
        await waitClickHouseReady(url, 60_000);
        return false;
      }
      const { usersFile } = await ensureClickHouseCredentials(config.dir, config.clickhouse);
      await startClickHouse({ dataDir, port, logFile: log, usersFile });
      await waitClickHouseReady(url, 60_000);
      return true;
    },
    async down() {
      if (await readLivePid(pidFile) === null) return false;
      return await stopClickHouse(dataDir, { timeoutMs: 15_000 });
    },
    async status() {
      const pid = await readLivePid(pidFile);
      const up = await ping();
      return componentStatus("clickhouse", { up, pid, url, log });
    },
  };
}
