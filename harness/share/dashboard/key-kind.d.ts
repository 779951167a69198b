/** Types for key-kind.js (the page loads the .js file as is; tests import it through these). */
export type KeyKind = "share" | "legacy-share" | "legacy-index" | "other";
export declare const LEGACY_LIST_KEY: "share:list";
export declare const KIND_LABELS: Record<KeyKind, string>;
export declare const KIND_HELP: Record<KeyKind, string>;
export declare function keyKind(name: string, metadata: unknown): KeyKind;
export declare function shareIdOf(name: string): string | undefined;
export declare function searchKey(input: string): string | undefined;
/** The plugin's key view for the store browser (`KeyView` of harness/dashboard/plugin-ui.js). */
export declare const shareKeys: {
  prefix: string;
  searchLabel: string;
  searchHint: string;
  kindOf(name: string, metadata: unknown): { kind: KeyKind; label: string; help: string };
  pageOf(name: string): string | undefined;
  searchKey(input: string): string | undefined;
};
