/**
 * @module rate-limit/client-key
 * Who a request counts against: the client address Cloudflare puts in `CF-Connecting-IP` (a client
 * cannot set it in production), an IPv6 client by its /64 (one subscriber's whole prefix, which
 * it can rotate through freely), an IPv4-mapped IPv6 address as IPv4.
 */
import ipaddr from "ipaddr.js";

/** The header Cloudflare (and Miniflare, from the socket) sets to the client's address. */
export const CLIENT_IP_HEADER = "cf-connecting-ip";

/**
 * The rate-limit key part for a client address; `unknown` when there is none.
 * @example clientKey("2001:db8:1:2:aaaa::1") // "2001:db8:1:2::/64"
 */
export function clientKey(ip: string | undefined): string {
  const value = ip?.trim() ?? "";
  if (!ipaddr.isValid(value)) return value === "" ? "unknown" : `raw:${value.slice(0, 64)}`;
  const address = ipaddr.process(value);
  if (address.kind() === "ipv4") return address.toString();
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(":")}::/64`;
}
