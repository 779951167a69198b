/**
 * @module lib/host-names
 * What a host name says about where it leads, read from `new URL(x).hostname` (which writes every
 * IPv4 form, `0x7f.1` or `2130706433` included, as a dotted quad and IPv6 in brackets).
 */

/** Suffixes reserved for local networks (RFC 6761, 6762, 8375; ICANN's `.internal`). */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa"];

/** Lower case, without the trailing dot a fully qualified name may carry. */
function bare(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, "");
}

/** An IP address rather than a name: `127.0.0.1`, `[::1]` (also `::1` as a Host header may hold). */
export function isIpLiteral(hostname: string): boolean {
  const host = bare(hostname);
  return host.startsWith("[") || host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** Names and addresses only this machine reaches: `localhost`, `*.localhost`, 127/8, `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname);
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    host === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** A name that only means something on a local network: one label, or a reserved local suffix. */
export function isLocalName(hostname: string): boolean {
  const host = bare(hostname);
  if (!host.includes(".")) return true;
  return LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}
