import assert from "node:assert/strict";
import {
  decoyHash,
  generatePassword,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from "./password.ts";

const FAST = { N: 2 ** 10, r: 8, p: 1 };

Deno.test("verifyPassword() accepts the hashed password and refuses any other", async () => {
  const stored = await hashPassword("correct horse battery", FAST);
  assert.match(stored, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.equal(await verifyPassword("correct horse battery", stored), true);
  assert.equal(await verifyPassword("correct horse batterY", stored), false);
  assert.equal(await verifyPassword("", stored), false);
});

Deno.test("hashPassword() salts every hash, so equal passwords store differently", async () => {
  const [a, b] = await Promise.all([
    hashPassword("same password!", FAST),
    hashPassword("same password!", FAST),
  ]);
  assert.notEqual(a, b);
});

Deno.test("verifyPassword() is false for malformed hashes and the decoy", async () => {
  for (
    const stored of ["", "plain", "scrypt$3$8$1$AAAA$AAAA", "bcrypt$1$2$3$4$5", decoyHash(FAST)]
  ) {
    assert.equal(await verifyPassword("anything", stored), false, stored);
  }
});

Deno.test("generatePassword() makes long, distinct, acceptable passwords", () => {
  const a = generatePassword();
  assert.equal(a.length, 20);
  assert.notEqual(a, generatePassword());
  assert.equal(passwordProblem(a), undefined);
  assert.equal(passwordProblem("short"), "must be at least 12 characters long");
});
