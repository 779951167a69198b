/**
 * @module urls/outbound-url
 * Which URLs the Worker itself fetches (the image copy): https on the default port, a public host
 * name, no credentials. IP literals and local names are refused before any request is made, and
 * every redirect hop is checked again by the caller.
 */
import { isIpLiteral, isLocalName } from "../../lib/host-names.js";

/**
 * Why the Worker must not fetch `url`, or undefined when it may.
 * @example outboundUrlProblem("https://169.254.169.254/latest") // "169.254.169.254 is an IP address ..."
 */
export function outboundUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "it is not a URL";
  }
  if (parsed.protocol !== "https:") return `only https: URLs are fetched, not ${parsed.protocol}`;
  if (parsed.username !== "" || parsed.password !== "") return "it carries a user name or password";
  if (parsed.port !== "") return `port ${parsed.port} is not fetched, only the default https port`;
  const host = parsed.hostname;
  if (isIpLiteral(host)) return `${host} is an IP address; only public host names are fetched`;
  if (isLocalName(host)) return `${host} is a local host name; only public host names are fetched`;
  return undefined;
}
