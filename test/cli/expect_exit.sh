#!/bin/sh
# expect_exit.sh CODE COMMAND... — runs COMMAND, passes when it exits with status CODE.
# CTest's WILL_FAIL only knows "non-zero"; gridctl's exit statuses mean different things.
want=$1; shift
"$@"
got=$?
if [ "$got" -ne "$want" ]; then
  echo "expect_exit: '$*' exited $got, expected $want" >&2
  exit 1
fi
