#!/bin/sh
# workerd, ended by the kernel when the process that started it dies, even by SIGKILL (Linux's
# parent-death signal, set by util-linux's setpriv, survives the exec). Miniflare starts this
# instead of workerd when runtime.ts sets MINIFLARE_WORKERD_PATH to it.
exec setpriv --pdeathsig KILL -- "$HARNESS_WORKERD_BINARY" "$@"
