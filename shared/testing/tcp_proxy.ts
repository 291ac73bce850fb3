/**
 * A TCP proxy for outage tests: put it between a service and a store, then `pause()` to drop
 * every connection and refuse new ones (the store "goes down"), `resume()` to let traffic through
 * again on the same port.
 */

/** Where the proxy forwards to. */
export interface ProxyTarget {
  hostname: string;
  port: number;
}

/** Options for {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Port to listen on (default 0: a free one, kept across pause/resume). */
  port?: number;
  /** Rewrites bytes coming back from the target, one stream per connection (default: none). */
  responseTransform?: () => TransformStream<Uint8Array, Uint8Array>;
}

/** A running proxy; `await using` closes it. */
export interface TcpProxy extends AsyncDisposable {
  /** The port clients connect to. */
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Connections accepted so far (lets a test prove traffic went through the proxy). */
  readonly accepted: number;
  /** Drops every open connection and refuses new ones until {@link resume}. */
  pause(): Promise<void>;
  /** Accepts connections again, on the same port. */
  resume(): void;
  /** Stops the proxy for good. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding every connection to `target`. */
export function startTcpProxy(target: ProxyTarget, opts: TcpProxyOptions = {}): TcpProxy {
  let listener: Deno.Listener | null = Deno.listen({ hostname: "127.0.0.1", port: opts.port ?? 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const open = new Set<Deno.Conn>();
  const pipes = new Set<Promise<void>>();
  let accepting: Promise<void> = Promise.resolve();
  let accepted = 0;

  const closeConn = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch { /* already closed */ }
  };

  const handle = async (client: Deno.Conn) => {
    open.add(client);
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(target);
    } catch {
      closeConn(client);
      return;
    }
    open.add(upstream);
    const toTarget = client.readable.pipeTo(upstream.writable);
    const back = opts.responseTransform
      ? upstream.readable.pipeThrough(opts.responseTransform())
      : upstream.readable;
    const toClient = back.pipeTo(client.writable);
    // Whichever side ends first ends the pair, as a TCP proxy would.
    await Promise.race([toTarget, toClient]).catch(() => {});
    closeConn(client);
    closeConn(upstream);
    await Promise.allSettled([toTarget, toClient]);
  };

  const acceptLoop = async (l: Deno.Listener) => {
    try {
      for await (const conn of l) {
        accepted++;
        const pipe = handle(conn);
        pipes.add(pipe);
        pipe.finally(() => pipes.delete(pipe));
      }
    } catch { /* listener closed */ }
  };
  accepting = acceptLoop(listener);

  const stop = async () => {
    listener?.close();
    listener = null;
    await accepting;
    for (const conn of [...open]) closeConn(conn);
    await Promise.allSettled([...pipes]);
  };

  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    pause: stop,
    resume() {
      if (listener) return;
      listener = Deno.listen({ hostname: "127.0.0.1", port });
      accepting = acceptLoop(listener);
    },
    close: stop,
    [Symbol.asyncDispose]: stop,
  };
}
