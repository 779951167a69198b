/**
 * @module harness/dashboard/key-kind
 * What a KV key is, for labels in the store browser: a share, a legacy share from the original
 * guide, the guide's legacy `share:list` index, or something else.
 */

/** @type {typeof import("./key-kind.js").LEGACY_LIST_KEY} */
export const LEGACY_LIST_KEY = "share:list";
const SHARE_PREFIX = "share:";

/** @type {typeof import("./key-kind.js").KIND_LABELS} */
export const KIND_LABELS = {
  share: "Share",
  "legacy-share": "Legacy share",
  "legacy-index": "Legacy index",
  other: "Other",
};

/** @type {typeof import("./key-kind.js").KIND_HELP} */
export const KIND_HELP = {
  share:
    "Written by this Worker: the value is the share, the metadata holds its list fields (v: 1).",
  "legacy-share":
    "Written by the original guide's code (no v: 1 metadata). The Worker still serves it and lists it through share:list.",
  "legacy-index":
    "The original guide's index of share ids. This Worker never writes it (a read-modify-write of one key loses entries under concurrent creates); it only reads it to list legacy shares.",
  other: "Not a share key.",
};

/**
 * The kind of a key from its name and list metadata.
 * @type {typeof import("./key-kind.js").keyKind}
 */
export function keyKind(name, metadata) {
  if (name === LEGACY_LIST_KEY) return "legacy-index";
  if (!name.startsWith(SHARE_PREFIX)) return "other";
  const fields = /** @type {{ v?: unknown, ts?: unknown } | null} */ (
    typeof metadata === "object" ? metadata : null
  );
  const ours = fields !== null && fields.v === 1 && typeof fields.ts === "number";
  return ours ? "share" : "legacy-share";
}

/**
 * The share id in a share key, or undefined.
 * @type {typeof import("./key-kind.js").shareIdOf}
 */
export function shareIdOf(name) {
  if (!name.startsWith(SHARE_PREFIX) || name === LEGACY_LIST_KEY) return undefined;
  return name.slice(SHARE_PREFIX.length);
}

/**
 * What a search box entry means: a full key as typed, or a share id turned into its key.
 * @type {typeof import("./key-kind.js").searchKey}
 */
export function searchKey(input) {
  const text = input.trim();
  if (text === "") return undefined;
  return text.includes(":") ? text : `${SHARE_PREFIX}${text}`;
}

/**
 * How the store browser names the share Worker's keys (the plugin's `keys`): kind badges, the
 * share page of a share key, a search by share id, and the `share:` prefix to start at.
 * @type {typeof import("./key-kind.js").shareKeys}
 */
export const shareKeys = {
  prefix: SHARE_PREFIX,
  searchLabel: "Share id or key",
  searchHint: "e.g. 0V8F9K2M1AABCDEFGH",
  kindOf(name, metadata) {
    const kind = keyKind(name, metadata);
    return { kind, label: KIND_LABELS[kind], help: KIND_HELP[kind] };
  },
  pageOf(name) {
    const id = shareIdOf(name);
    return id === undefined ? undefined : `/s/${encodeURIComponent(id)}`;
  },
  searchKey,
};
