/**
 * The baseline for single-event ingest: a bare `Deno.serve` handler that parses the JSON body
 * and answers with JSON, nothing else (no auth, validation or Kafka).
 *
 *   deno run -A bench/suite/bare_server.ts [port]   (default 18090)
 */
import { argsOrExit } from "../../shared/cli.ts";
import { BARE_SERVER_USAGE, parseBareServerArgs } from "../args.ts";

/** Serves the baseline on `port` until the signal aborts. */
export function serveBare(port: number, signal?: AbortSignal): Deno.HttpServer {
  return Deno.serve({ hostname: "127.0.0.1", port, signal, onListen: () => {} }, async (req) => {
    const body = await req.json();
    return Response.json({
      status: "ok",
      event_id: typeof body?.event_id === "string" ? body.event_id : null,
    });
  });
}

if (import.meta.main) {
  serveBare(argsOrExit(BARE_SERVER_USAGE, () => parseBareServerArgs(Deno.args)).port);
}
