/** Topic administration: create idempotently, delete, and check that the cluster answers. */

import { Admin as ClientAdmin, findErrorBy } from "@platformatic/kafka";
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

  // Each topic on its own, so that "already exists" / "unknown topic" answer only for that
  // topic; answers from the broker beat a listing from a possibly stale metadata cache.
  async function createOne(topic: TopicSpec): Promise<void> {
    try {
      await admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas: -1,
      });
    } catch (err) {
      if (!hasApiError(err, "TOPIC_ALREADY_EXISTS")) throw err;
    }
  }

  async function deleteOne(name: string): Promise<void> {
    try {
      await admin.deleteTopics({ topics: [name] });
    } catch (err) {
      if (
        !hasApiError(err, "UNKNOWN_TOPIC_OR_PARTITION") && !hasApiError(err, "UNKNOWN_TOPIC_ID")
      ) {
        throw err;
      }
    }
  }

  return Promise.resolve({
    async ensureTopics(topics) {
      for (const topic of topics) {
        try {
          await createOne(topic);
        } catch (err) {
          throw toKafkaError(
            "KAFKA_ADMIN_FAILED",
            `Cannot create topic "${topic.name}" with ${topic.partitions} partition(s)`,
            err,
          );
        }
      }
    },
    async deleteTopics(names) {
      for (const name of names) {
        try {
          await deleteOne(name);
        } catch (err) {
          throw toKafkaError("KAFKA_ADMIN_FAILED", `Cannot delete topic "${name}"`, err);
        }
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

function hasApiError(err: unknown, apiId: string): boolean {
  return err instanceof Error && findErrorBy(err, "apiId", apiId) !== null;
}
