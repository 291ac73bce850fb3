import assert from "node:assert/strict";
import { deadLetter, DeadLetterSchema } from "./dead_letter.ts";
import {
  deadLetterKeyring,
  generateDeadLetterKey,
  openDeadLetterPayload,
  parseDeadLetterKeys,
  sealDeadLetter,
} from "./dead_letter_seal.ts";

const PII = '{"event_id":"e1","properties":{"email":"jane@example.com"},"ip":"85.214.132.64"}';

function privacyFailure(offset = "41") {
  return deadLetter(
    {
      topic: "raw_events",
      partition: 2,
      offset,
      key: "user_1",
      value: new TextEncoder().encode(PII),
    },
    { stage: "enrich", reason: "PRIVACY_FAILED", error: "masking failed", eventId: "e1" },
    new Date("2026-04-10T12:00:00Z"),
  );
}

Deno.test("sealDeadLetter() hides the payload and openDeadLetterPayload() restores it", async () => {
  const keyring = await parseDeadLetterKeys(generateDeadLetterKey());
  const sealed = await sealDeadLetter(privacyFailure(), keyring);
  assert.equal(DeadLetterSchema.safeParse(sealed).success, true);
  assert.equal(sealed.payload_encoding, "aes-256-gcm");
  assert.equal(sealed.payload_key_id, keyring.currentId);
  // Nothing of the personal data is readable at rest; the browsable fields stay readable.
  const stored = JSON.stringify(sealed);
  assert.equal(stored.includes("jane@example.com"), false);
  assert.equal(stored.includes("85.214.132.64"), false);
  assert.deepEqual([sealed.stage, sealed.reason, sealed.event_id], [
    "enrich",
    "PRIVACY_FAILED",
    "e1",
  ]);
  assert.equal(new TextDecoder().decode(await openDeadLetterPayload(sealed, keyring)), PII);
  // Sealing twice keeps the first seal.
  assert.deepEqual(await sealDeadLetter(sealed, keyring), sealed);
});

Deno.test("openDeadLetterPayload() reads plain records, rotated keys, and names a missing key", async () => {
  const [oldKey, newKey] = [generateDeadLetterKey(), generateDeadLetterKey()];
  const before = await parseDeadLetterKeys(oldKey);
  const sealedBefore = await sealDeadLetter(privacyFailure(), before);
  // After rotation the new key seals and the old one still opens.
  const rotated = await parseDeadLetterKeys(`${newKey}, ${oldKey}`);
  assert.notEqual(rotated.currentId, before.currentId);
  assert.equal(new TextDecoder().decode(await openDeadLetterPayload(sealedBefore, rotated)), PII);
  // A record from before sealing existed opens without any key.
  assert.equal(new TextDecoder().decode(await openDeadLetterPayload(privacyFailure(), null)), PII);
  const other = await parseDeadLetterKeys(newKey);
  await assert.rejects(
    openDeadLetterPayload(sealedBefore, other),
    new RegExp(
      `sealed with key ${before.currentId}, not among DEAD_LETTER_KEYS \\(${other.currentId}\\)`,
    ),
  );
  await assert.rejects(openDeadLetterPayload(sealedBefore, null), /none configured/);
});

Deno.test("a sealed payload moved to another record or altered does not open", async () => {
  const keyring = await parseDeadLetterKeys(generateDeadLetterKey());
  const sealed = await sealDeadLetter(privacyFailure(), keyring);
  const moved = { ...sealed, source: { ...sealed.source, offset: "42" } };
  await assert.rejects(openDeadLetterPayload(moved, keyring), (error: Error & { code: string }) => {
    assert.equal(error.code, "DEAD_LETTER_UNREADABLE");
    assert.match(error.message, /raw_events\/2\/42 does not open/);
    return true;
  });
});

Deno.test("parseDeadLetterKeys() and deadLetterKeyring() refuse bad or missing keys without echoing them", async () => {
  await assert.rejects(parseDeadLetterKeys(" , "), /DEAD_LETTER_KEYS lists no key/);
  await assert.rejects(
    parseDeadLetterKeys(`${generateDeadLetterKey()},c2hvcnQ=`),
    /DEAD_LETTER_KEYS item 2 is not a base64 key of 32 bytes \(it decodes to 5 bytes\)/,
  );
  await assert.rejects(parseDeadLetterKeys("not a key!"), (error: Error) => {
    assert.equal(error.message.includes("not a key!"), false);
    return true;
  });
  // Unsealed payloads at rest only by explicit opt-in.
  await assert.rejects(
    deadLetterKeyring({ DEAD_LETTER_PLAINTEXT: false }),
    /DEAD_LETTER_KEYS is not set.*Set DEAD_LETTER_PLAINTEXT=true/,
  );
  assert.equal(await deadLetterKeyring({ DEAD_LETTER_PLAINTEXT: true }), null);
  const key = generateDeadLetterKey();
  const keyring = await deadLetterKeyring({ DEAD_LETTER_KEYS: key, DEAD_LETTER_PLAINTEXT: true });
  assert.equal(keyring?.keys.size, 1);
});
