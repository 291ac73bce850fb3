/**
 * Several shared/kafka producers used in turn. Each producer keeps one request in flight (for
 * simple ordering), so one producer's throughput is bounded by the broker's acks=all round-trip;
 * N producers keep N requests in flight. Ordering between concurrent HTTP requests is undefined
 * anyway, and a client that waits for its 2xx before sending again stays ordered.
 */
import type { Producer } from "../../shared/kafka/mod.ts";

/** Combines producers into one; `send` goes to the next in turn, `close` closes all. */
export function poolProducers(producers: Producer[]): Producer {
  if (producers.length === 0) throw new Error("poolProducers() needs at least one producer");
  let next = 0;
  return {
    send(topic, messages) {
      const producer = producers[next]!;
      next = (next + 1) % producers.length;
      return producer.send(topic, messages);
    },
    async close() {
      await Promise.all(producers.map((producer) => producer.close()));
    },
  };
}
