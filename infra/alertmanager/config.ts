/**
 * Alertmanager's configuration, the same for the local stack and compose: every alert goes to the
 * alerts service's receiver (`POST /api/v1/alertmanager`, bearer token from a file), which relays
 * it to the configured webhooks and Telegram chats.
 */

/** Options of {@linkcode alertmanagerConfig}. */
export interface AlertmanagerConfigOptions {
  /** The alerts service's receiver, e.g. `http://127.0.0.1:8083/api/v1/alertmanager`. */
  receiverUrl: string;
  /** File holding the receiver's bearer token. */
  tokenFile: string;
  /** Wait before the first notification of a new group. Default 10s. */
  groupWait?: string;
  /** Resend a still-firing alert after. Default 4h. */
  repeatInterval?: string;
}

/** Renders alertmanager.yml. */
export function alertmanagerConfig(opts: AlertmanagerConfigOptions): string {
  return [
    "# Generated (infra/alertmanager/config.ts); edits are overwritten.",
    "route:",
    "  receiver: eventflow-alerts",
    "  group_by: [alertname, service, store, dependency, group, job]",
    `  group_wait: ${opts.groupWait ?? "10s"}`,
    "  group_interval: 1m",
    `  repeat_interval: ${opts.repeatInterval ?? "4h"}`,
    "receivers:",
    "  - name: eventflow-alerts",
    "    webhook_configs:",
    `      - url: ${JSON.stringify(opts.receiverUrl)}`,
    "        send_resolved: true",
    "        max_alerts: 100",
    "        http_config:",
    "          authorization:",
    `            credentials_file: ${JSON.stringify(opts.tokenFile)}`,
    "",
  ].join("\n");
}

/** Reads the receiver token from `file`, creating a random one first if it is missing. */
export async function ensureReceiverToken(file: string): Promise<string> {
  try {
    const token = (await Deno.readTextFile(file)).trim();
    if (token.length >= 16) return token;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const token = `am_${crypto.randomUUID().replaceAll("-", "")}`;
  await Deno.mkdir(file.replace(/\/[^/]*$/, ""), { recursive: true });
  await Deno.writeTextFile(file, token, { mode: 0o600 });
  return token;
}
