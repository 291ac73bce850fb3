/**
 * A {@link startTcpProxy} in front of a single Kafka broker that clients cannot bypass.
 *
 * A Kafka client connects to the bootstrap address only once: every later connection goes to the
 * address the broker advertises in its Metadata (and FindCoordinator) answers. A plain TCP proxy
 * would therefore be skipped after the first request, and pausing it would cut nothing. This one
 * rewrites the advertised port in every response frame to its own, so all traffic flows through it.
 */
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";

/** Replaces every `<host><int32 port>` in `frame` (host strings keep their length, so no size changes). */
export function rewriteAdvertisedPort(
  frame: Uint8Array,
  host: string,
  from: number,
  to: number,
): Uint8Array {
  const needle = new Uint8Array(host.length + 4);
  needle.set(new TextEncoder().encode(host));
  new DataView(needle.buffer).setInt32(host.length, from);
  outer: for (let i = 0; i <= frame.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (frame[i + j] !== needle[j]) continue outer;
    new DataView(frame.buffer, frame.byteOffset).setInt32(i + host.length, to);
    i += needle.length - 1;
  }
  return frame;
}

/** Splits the response stream into size-prefixed Kafka frames and rewrites each whole frame. */
function frameRewriter(host: string, from: number, to: number) {
  let pending = new Uint8Array(0);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let at = 0;
      while (joined.length - at >= 4) {
        const size = new DataView(joined.buffer, at).getInt32(0);
        if (joined.length - at - 4 < size) break;
        const frame = joined.slice(at, at + 4 + size);
        controller.enqueue(rewriteAdvertisedPort(frame, host, from, to));
        at += 4 + size;
      }
      pending = joined.slice(at);
    },
  });
}

/** Starts a proxy for the broker at `broker` (`host:port`, advertising the same address). */
export function startKafkaProxy(broker: string): TcpProxy {
  const [hostname = "127.0.0.1", portText = "9092"] = broker.split(":");
  const port = Number(portText);
  let own = 0;
  const proxy = startTcpProxy({ hostname, port }, {
    responseTransform: () => frameRewriter(hostname, port, own),
  });
  own = proxy.port;
  return proxy;
}
