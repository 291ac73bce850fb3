/** Topic administration: create idempotently, delete, and check that the cluster answers. */

import { Admin as ClientAdmin } from "@platformatic/kafka";
import { type KafkaConfig, validateKafkaConfig } from "./config.ts";
import { toKafkaError } from "./errors.ts";

/** A topic to create and its partition count. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/** Topic administration used by the stack CLI and by tests. */
export interface Admin {
  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Deletes topics; names that do not exist are ignored. */
  deleteTopics(names: string[]): Promise<void>;
  /** True when a broker answered a metadata request. Never throws. */
  ping(): Promise<boolean>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Creates an {@linkcode Admin} for the cluster of `config`. */
export function createAdmin(config: KafkaConfig): Promise<Admin> {
  const { brokers, clientId } = validateKafkaConfig(config);
  const admin = new ClientAdmin({
    clientId,
    bootstrapBrokers: brokers,
    timeout: 10_000,
    retries: 3,
  });

  async function existingTopics(): Promise<Set<string>> {
    return new Set(await admin.listTopics({ includeInternals: false }));
  }

  return Promise.resolve({
    async ensureTopics(topics) {
      try {
        const existing = await existingTopics();
        for (const topic of topics) {
          if (existing.has(topic.name)) continue;
          try {
            await admin.createTopics({
              topics: [topic.name],
              partitions: topic.partitions,
              replicas: -1,
            });
          } catch (err) {
            // Another process may have created it between the listing and now.
            if (!(await existingTopics()).has(topic.name)) throw err;
          }
        }
      } catch (err) {
        throw toKafkaError(
          "KAFKA_ADMIN_FAILED",
          `Cannot create topics ${topics.map((t) => `"${t.name}"`).join(", ")}`,
          err,
        );
      }
    },
    async deleteTopics(names) {
      try {
        const existing = await existingTopics();
        const present = names.filter((name) => existing.has(name));
        if (present.length > 0) await admin.deleteTopics({ topics: present });
      } catch (err) {
        throw toKafkaError(
          "KAFKA_ADMIN_FAILED",
          `Cannot delete topics ${names.map((n) => `"${n}"`).join(", ")}`,
          err,
        );
      }
    },
    async ping() {
      try {
        await admin.metadata({ topics: [], forceUpdate: true });
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await admin.close();
    },
  });
}
