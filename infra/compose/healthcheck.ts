/**
 * Container health probe for the Deno services: the deno image has no curl or wget, so compose
 * runs `deno run --allow-net=127.0.0.1 infra/compose/healthcheck.ts http://127.0.0.1:8080/healthz`.
 * Exits 0 when the endpoint answers 2xx within the timeout, 1 otherwise (with the reason).
 * @module
 */

/** Result of one probe: healthy, or the reason it is not. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Requests `url` once; healthy only on a 2xx answer within `timeoutMs` (default 3000). */
export async function probe(url: string, opts: { timeoutMs?: number } = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.ok) return { ok: true };
    return { ok: false, reason: `${url} answered HTTP ${response.status}` };
  } catch (error) {
    const why = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
      ? error.message
      : String(error);
    return { ok: false, reason: `${url} is unreachable: ${why}` };
  }
}

if (import.meta.main) {
  const url = Deno.args[0];
  if (url === undefined) {
    console.error("Usage: healthcheck.ts <url>, e.g. http://127.0.0.1:8080/healthz");
    Deno.exit(2);
  }
  const result = await probe(url);
  if (!result.ok) console.error(result.reason);
  Deno.exit(result.ok ? 0 : 1);
}
