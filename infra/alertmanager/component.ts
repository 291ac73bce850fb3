/** Stack component: Alertmanager (Debian's prometheus-alertmanager), routing to the alerts service. */
import type { Component } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { daemonComponent } from "../stack/daemon.ts";
import { alertmanagerConfig, ensureReceiverToken } from "./config.ts";

/** Alertmanager, routing every alert to the alerts service's receiver. */
export function alertmanagerComponent(config: StackConfig): Component {
  const dir = `${config.dir}/alertmanager`;
  const configFile = `${dir}/alertmanager.yml`;
  return daemonComponent({
    name: "alertmanager",
    dir,
    bin: "/usr/bin/prometheus-alertmanager",
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${config.alertmanager.port}`,
      // A single local instance: no gossip port.
      "--cluster.listen-address=",
    ],
    port: config.alertmanager.port,
    readyPath: "/-/ready",
    prepare: async () => {
      await ensureReceiverToken(config.alertmanager.tokenFile);
      await Deno.writeTextFile(
        configFile,
        alertmanagerConfig({
          receiverUrl: config.alertmanager.receiverUrl,
          tokenFile: config.alertmanager.tokenFile,
        }),
      );
    },
  });
}
