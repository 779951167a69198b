/**
 * @module harness/share/isolate-hooks
 * The share Worker's isolate hooks (workers side): its clock reads the harness's virtual time
 * (`src/clock.ts`), and `Harness.reset()` drops its isolate state (`src/state.ts`).
 */
import { setClock } from "../../src/clock.js";
import { resetIsolateState } from "../../src/state.js";
import type { IsolateHooks } from "../workers/isolate-hooks.js";

const hooks: IsolateHooks = { setClock, resetIsolate: resetIsolateState };
export default hooks;
