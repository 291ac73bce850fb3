/**
 * Client IP resolution behind proxies: `X-Forwarded-For` is honoured only when the direct peer is
 * a trusted proxy, and then the rightmost address that is not itself trusted is the client (the
 * leftmost entries are whatever the client chose to send, so they cannot be believed).
 */

/** A parsed CIDR block. */
export interface Cidr {
  v6: boolean;
  bits: bigint;
  prefix: number;
}

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tail4: bigint | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tail4 = parseV4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const left = halves[0] === "" ? [] : halves[0]!.split(":");
  const right = halves.length === 2 ? (halves[1] === "" ? [] : halves[1]!.split(":")) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tail4 !== null) value = (value & ~0xffffffffn) | tail4;
  return value;
}

/** Parses an IP address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is treated as IPv4. */
export function parseIp(text: string): { v6: boolean; bits: bigint } | null {
  const trimmed = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = parseV4(trimmed);
  if (v4 !== null) return { v6: false, bits: v4 };
  if (!trimmed.includes(":")) return null;
  const v6 = parseV6(trimmed);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, bits: v6 & 0xffffffffn };
  return { v6: true, bits: v6 };
}

/** Parses `10.0.0.0/8`, `::1/128` or a bare address; throws naming the bad entry. */
export function parseCidr(text: string): Cidr {
  const [address = "", prefixText] = text.trim().split("/");
  const ip = parseIp(address);
  if (ip === null) throw new Error(`"${text}" is not an IP address or CIDR block`);
  const width = ip.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) {
    throw new Error(`"${text}" has an invalid prefix length (0–${width} allowed)`);
  }
  return { v6: ip.v6, bits: ip.bits, prefix };
}

/** True when `ip` lies inside one of `cidrs`. */
export function inCidrs(ip: string, cidrs: Cidr[]): boolean {
  const parsed = parseIp(ip);
  if (parsed === null) return false;
  const width = parsed.v6 ? 128 : 32;
  return cidrs.some((cidr) => {
    if (cidr.v6 !== parsed.v6) return false;
    const shift = BigInt(width - cidr.prefix);
    return parsed.bits >> shift === cidr.bits >> shift;
  });
}

/** Normalises an address for storage: IPv4-mapped IPv6 becomes dotted IPv4. */
function normalise(ip: string): string {
  const trimmed = ip.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

/**
 * A forwarded hop without its port: some load balancers (Azure Application Gateway, IIS ARR)
 * write `203.0.113.9:4711` or `[2001:db8::7]:443`. Unreadable, such a hop made the proxy itself
 * the client of every request it forwarded.
 */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

/** The client IP: the direct peer, or the rightmost untrusted X-Forwarded-For hop when trusted. */
export function clientIp(
  peer: string | null,
  opts: { forwardedFor: string | null; trusted: Cidr[] },
): string | null {
  if (peer === null || peer === "") return null;
  if (!opts.forwardedFor || !inCidrs(peer, opts.trusted)) return normalise(peer);
  const hops = opts.forwardedFor.split(",").map((hop) => withoutPort(hop.trim())).filter((hop) =>
    hop !== ""
  );
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (parseIp(hop) === null) return normalise(peer);
    if (!inCidrs(hop, opts.trusted)) return normalise(hop);
  }
  // Every hop is a trusted proxy: the leftmost is the closest thing to a client we have.
  return hops.length > 0 ? normalise(hops[0]!) : normalise(peer);
}

/**
 * What a per-IP limit counts: the address for IPv4, the /64 for IPv6. One IPv6 subscriber holds
 * a whole /64 (2^64 addresses), so counting single addresses would let a client escape any
 * per-IP limit by rotating its address.
 */
export function rateLimitSubject(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed === null) return ip;
  if (!parsed.v6) {
    const b = parsed.bits;
    return [b >> 24n, (b >> 16n) & 0xffn, (b >> 8n) & 0xffn, b & 0xffn].join(".");
  }
  const groups = [112n, 96n, 80n, 64n].map((shift) =>
    ((parsed.bits >> shift) & 0xffffn).toString(16)
  );
  return `${groups.join(":")}::/64`;
}
