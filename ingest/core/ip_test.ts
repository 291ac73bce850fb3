import assert from "node:assert/strict";
import { clientIp, inCidrs, parseCidr, parseIp, rateLimitSubject } from "./ip.ts";

const loopback = ["127.0.0.0/8", "::1/128"].map(parseCidr);
const proxies = [...loopback, parseCidr("10.0.0.0/8"), parseCidr("fd00::/8")];

Deno.test("parseIp() reads IPv4, IPv6, compressed IPv6 and IPv4-mapped IPv6", () => {
  assert.deepEqual(parseIp("1.2.3.4"), { v6: false, bits: 0x01020304n });
  assert.deepEqual(parseIp("::1"), { v6: true, bits: 1n });
  assert.deepEqual(parseIp("2001:db8::8a2e:370:7334")?.v6, true);
  assert.deepEqual(parseIp("::ffff:127.0.0.1"), { v6: false, bits: 0x7f000001n });
  assert.equal(parseIp("256.1.1.1"), null);
  assert.equal(parseIp("not-an-ip"), null);
  assert.equal(parseIp("1::2::3"), null);
});

Deno.test("parseCidr() rejects a bad prefix naming the entry", () => {
  assert.throws(() => parseCidr("10.0.0.0/33"), /"10\.0\.0\.0\/33" has an invalid prefix length/);
  assert.throws(() => parseCidr("ten/8"), /"ten\/8" is not an IP address/);
});

Deno.test("inCidrs() matches addresses inside the blocks only", () => {
  assert.equal(inCidrs("10.200.3.4", proxies), true);
  assert.equal(inCidrs("11.0.0.1", proxies), false);
  assert.equal(inCidrs("fd12::1", proxies), true);
  assert.equal(inCidrs("::ffff:127.0.0.1", proxies), true);
});

Deno.test("clientIp() ignores X-Forwarded-For from an untrusted peer", () => {
  assert.equal(
    clientIp("203.0.113.9", { forwardedFor: "1.1.1.1", trusted: loopback }),
    "203.0.113.9",
  );
});

Deno.test("clientIp() takes the rightmost untrusted hop behind a trusted proxy", () => {
  // The client forged "6.6.6.6"; the proxy chain appended the real client 198.51.100.7.
  const ip = clientIp("127.0.0.1", {
    forwardedFor: "6.6.6.6, 198.51.100.7, 10.1.2.3",
    trusted: proxies,
  });
  assert.equal(ip, "198.51.100.7");
});

Deno.test("clientIp() falls back to the leftmost hop when every hop is trusted", () => {
  assert.equal(
    clientIp("::1", { forwardedFor: "10.0.0.5, 10.0.0.6", trusted: proxies }),
    "10.0.0.5",
  );
});

Deno.test("clientIp() uses the peer when X-Forwarded-For holds garbage", () => {
  assert.equal(clientIp("127.0.0.1", { forwardedFor: "unknown", trusted: loopback }), "127.0.0.1");
  assert.equal(
    clientIp("::ffff:127.0.0.1", { forwardedFor: null, trusted: loopback }),
    "127.0.0.1",
  );
});

Deno.test("rateLimitSubject() is the IPv4 address or the IPv6 /64, in one spelling", () => {
  assert.equal(rateLimitSubject("198.51.100.7"), "198.51.100.7");
  assert.equal(rateLimitSubject("::ffff:198.51.100.7"), "198.51.100.7");
  assert.equal(rateLimitSubject("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  assert.equal(rateLimitSubject("2001:0DB8:0001:0002:ffff:1:2:3"), "2001:db8:1:2::/64");
  assert.equal(rateLimitSubject("::1"), "0:0:0:0::/64");
  assert.equal(rateLimitSubject("not-an-ip"), "not-an-ip");
});

Deno.test("clientIp() reads X-Forwarded-For hops that carry a port, as some load balancers send", () => {
  const xff = (forwardedFor: string) => clientIp("10.0.0.5", { forwardedFor, trusted: proxies });
  assert.equal(xff("203.0.113.9:4711"), "203.0.113.9");
  assert.equal(xff("198.51.100.1, 203.0.113.9:4711, 10.0.0.7:80"), "203.0.113.9");
  assert.equal(xff("[2001:db8::7]:443"), "2001:db8::7");
  assert.equal(xff("[2001:db8::7]"), "2001:db8::7");
  // A bare IPv6 address is not mistaken for address:port.
  assert.equal(xff("2001:db8::7"), "2001:db8::7");
  assert.equal(xff("203.0.113.9:http"), "10.0.0.5");
});
