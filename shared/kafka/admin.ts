/**
 * Topic administration: create idempotently (and bring an existing topic's configs to what the
 * spec says), delete, and check that the cluster answers.
 */

import {
  Admin as ClientAdmin,
  ConfigResourceTypes,
  findErrorBy,
  IncrementalAlterConfigOperationTypes,
} from "@platformatic/kafka";
import { type KafkaConfig, validateKafkaConfig } from "./config.ts";
import { toKafkaError } from "./errors.ts";

/** A topic to create, its partition count and the topic configs it must have. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /**
   * Topic-level configs (e.g. `retention.ms`), set at creation and, on an existing topic, altered
   * where they differ. Configs not named here are left as they are.
   */
  config?: Record<string, string>;
}

/** Topic administration used by the stack CLI and by tests. */
export interface Admin {
  /**
   * Creates the topics that do not exist yet; an existing topic keeps its partitions, and gets
   * the spec's `config` values where its own differ.
   */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** The current values of `names` in the topic's config (unset ones are absent). */
  topicConfig(topic: string, names: string[]): Promise<Record<string, string>>;
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
    const configs = Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value }));
    try {
      await admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas: -1,
        configs,
      });
    } catch (err) {
      if (!hasApiError(err, "TOPIC_ALREADY_EXISTS")) throw err;
      await reconcile(topic.name, topic.config ?? {});
    }
  }

  async function describe(topic: string, names: string[]): Promise<Record<string, string>> {
    const [described] = await admin.describeConfigs({
      resources: [{
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configurationKeys: names,
      }],
    });
    const values: Record<string, string> = {};
    for (const c of described?.configs ?? []) {
      if (typeof c.value === "string") values[c.name] = c.value;
    }
    return values;
  }

  // A topic created before a config was decided (or by hand) is brought to the spec's values.
  async function reconcile(topic: string, wanted: Record<string, string>): Promise<void> {
    const names = Object.keys(wanted);
    if (names.length === 0) return;
    const current = await describe(topic, names);
    const changed = names.filter((name) => current[name] !== wanted[name]);
    if (changed.length === 0) return;
    await admin.incrementalAlterConfigs({
      resources: [{
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configs: changed.map((name) => ({
          name,
          configOperation: IncrementalAlterConfigOperationTypes.SET,
          value: wanted[name]!,
        })),
      }],
    });
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
            `Cannot create topic "${topic.name}" with ${topic.partitions} partition(s)` +
              (topic.config ? ` and config ${JSON.stringify(topic.config)}` : ""),
            err,
          );
        }
      }
    },
    async topicConfig(topic, names) {
      try {
        return await describe(topic, names);
      } catch (err) {
        throw toKafkaError("KAFKA_ADMIN_FAILED", `Cannot read the config of topic "${topic}"`, err);
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
