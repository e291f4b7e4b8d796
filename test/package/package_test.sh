#!/usr/bin/env bash
# package_test.sh BUILD_DIR — issue 12: gridctl installs like a Debian tool. Reuses the built
# tree BUILD_DIR (nothing is compiled):
#   1. `cmake --install BUILD_DIR --prefix TMP`: the binary, the pdsh and Slurm scripts (which
#      find the installed binary by themselves), docs, the example, a man page per command that
#      `gridctl --help` lists plus gridctl(1) and gridctl.ini(5), each rendering without a
#      warning and naming every option of its --help, and the bash completion (commands,
#      options, .ini / .jsonl files for the argument, files for FILE values);
#   2. the .deb: `cpack -G DEB`, its control fields (Depends from dpkg-shlibdeps, the version of
#      `gridctl --version`), the same files as the install; extracted with `dpkg -x`, its
#      gridctl runs the example sweep; installed into a temporary dpkg root and removed again,
#      it leaves no file behind.
# Exits 77 (skipped) when cpack's Debian tools or man are missing (scripts/setup installs them).
set -u

build=${1:?usage: package_test.sh BUILD_DIR}
build=$(cd "$build" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps file man gzip; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/setup installs it)"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/package_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The commands `GRIDCTL --help` lists, one per line; the options of `GRIDCTL [COMMAND] --help`.
commands_of() { "$1" --help | sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'; }
options_of() { "$@" --help | grep -o '^  \(-[a-zA-Z0-9] \[ \|-[a-zA-Z0-9], \)\{0,1\}--[a-z0-9-]*' | grep -o -- '--[a-z0-9-]*'; }

# --- 1. cmake --install into a prefix ---------------------------------------------------------
prefix=$tmp/prefix
if ! cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
  echo "FAIL: cmake --install: $(cat "$tmp/install.log")"
  exit 1
fi
gridctl=$prefix/bin/gridctl
mapfile -t commands < <(commands_of "$gridctl")
for c in sweep worker plan results; do
  [[ " ${commands[*]} " == *" $c "* ]] || fail "'gridctl --help' does not list '$c' (parsed: ${commands[*]})"
done

for f in bin/gridctl bin/gridctl-pdsh-workers share/gridctl/gridctl-slurm-workers.sbatch \
  share/doc/gridctl/examples/think; do
  [[ -f $prefix/$f && -x $prefix/$f ]] || fail "$f is not installed as an executable"
done
for f in share/doc/gridctl/README.md share/doc/gridctl/docs/results-file.md share/doc/gridctl/docs/design.md \
  share/doc/gridctl/examples/think.ini share/doc/gridctl/examples/think.cpp \
  share/bash-completion/completions/gridctl share/man/man1/gridctl.1.gz share/man/man5/gridctl.ini.5.gz; do
  [[ -f $prefix/$f ]] || fail "$f is not installed"
done
[[ $("$gridctl" --version) =~ ^gridctl\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "installed gridctl --version: $("$gridctl" --version 2>&1)"

# Man pages: one per command, each renders without a warning and shows every option of its
# --help and the exit statuses.
man_text() { MANWIDTH=80 man -l "$1" 2>/dev/null; }
check_page() {  # check_page PAGE GRIDCTL-ARGS...
  local page=$1 warnings text o
  shift
  [[ -f $page ]] || { fail "no man page $page"; return; }
  warnings=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
  [[ -z $warnings ]] || fail "man -l $page warns: $warnings"
  text=$(man_text "$page")
  for o in $(options_of "$@"); do
    grep -qF -- "$o" <<<"$text" || fail "$(basename "$page") does not show $o of '$* --help'"
  done
  grep -q '^EXIT STATUS' <<<"$text" || fail "$(basename "$page") has no EXIT STATUS section"
  grep -q '^ *130 ' <<<"$text" || fail "$(basename "$page") does not list exit status 130"
}
man1=$prefix/share/man/man1
check_page "$man1/gridctl.1.gz" "$gridctl"
for c in "${commands[@]}"; do
  check_page "$man1/gridctl-$c.1.gz" "$gridctl" "$c"
  grep -qF "gridctl-$c(1)" <<<"$(man_text "$man1/gridctl.1.gz")" || fail "gridctl(1) does not refer to gridctl-$c(1)"
done
ls "$man1" >"$tmp/man1.list"
(($(wc -l <"$tmp/man1.list") == ${#commands[@]} + 1)) || fail "man1 holds other pages than gridctl.1 and one per command: $(tr '\n' ' ' <"$tmp/man1.list")"
ini_page=$prefix/share/man/man5/gridctl.ini.5.gz
warnings=$(MANWIDTH=80 man -l "$ini_page" 2>&1 >/dev/null)
[[ -z $warnings ]] || fail "man -l gridctl.ini.5 warns: $warnings"
# Every key of the README's example config (its [sweep] and [workers] sections) is in gridctl.ini(5).
ini_text=$(man_text "$ini_page")
keys=$(sed -n '/^## The config file/,/^## /p' "$prefix/share/doc/gridctl/README.md" | sed -n '/^```ini/,/^```/p' |
  awk '/^\[/ { section = $1 } section != "[params]" && /^[a-z_]+ *=/ { print $1 }')
[[ $keys == *timeout* ]] || fail "no keys read from the README's config section: '$keys'"
for k in $keys; do
  grep -q "^ *$k = " <<<"$ini_text" || fail "gridctl.ini(5) does not describe the key '$k'"
done
flat=$(tr -s ' \n' '  ' <<<"$ini_text")
for s in '[sweep]' '[params]' '[workers]' '[metrics]' 'require_metrics = true' 'exit status 2'; do
  [[ $flat == *"$s"* ]] || fail "gridctl.ini(5) does not mention '$s'"
done

# The scripts find the installed binary without GRIDCTL.
env -u GRIDCTL "$prefix/bin/gridctl-pdsh-workers" --help >"$tmp/pdsh-help" 2>&1
grep -qF "(default: $gridctl)" "$tmp/pdsh-help" ||
  fail "gridctl-pdsh-workers does not default to the gridctl beside it: $(grep GRIDCTL "$tmp/pdsh-help")"
mkdir -p "$tmp/fake-bin"
cat >"$tmp/fake-bin/srun" <<'EOF'
#!/bin/sh
for a; do printf '<%s>' "$a"; done
echo
EOF
chmod +x "$tmp/fake-bin/srun"
slurm_runs() {  # slurm_runs SCRIPT: what the script hands srun, with a stand-in srun
  env -u GRIDCTL -u SLURM_CPUS_PER_TASK PATH="$tmp/fake-bin:$PATH" bash "$1" tcp://127.0.0.1:1 2>&1
}
# srun runs `sh -c 'exec "$0" worker ...'` with the binary as $0 (so that SLURM_CPUS_ON_NODE is
# read on each node): the installed binary must be that $0.
want="<--ntasks-per-node=1><sh><-c><exec \"\$0\" worker --connect \"\$1\" --once \${SLURM_CPUS_ON_NODE:+--slots \"\$SLURM_CPUS_ON_NODE\"}><$gridctl><tcp://127.0.0.1:1>"
[[ $(slurm_runs "$prefix/share/gridctl/gridctl-slurm-workers.sbatch") == "$want" ]] ||
  fail "the installed Slurm script runs '$(slurm_runs "$prefix/share/gridctl/gridctl-slurm-workers.sbatch")', want '$want'"

# Bash completion.
completion=$prefix/share/bash-completion/completions/gridctl
spec=$(bash -c 'source "$1" && complete -p gridctl' _ "$completion" 2>&1)
[[ $spec == "complete -F _gridctl gridctl" ]] || fail "complete -p gridctl: '$spec'"
mkdir -p "$tmp/cwd/sub"
touch "$tmp/cwd/a.ini" "$tmp/cwd/b.jsonl" "$tmp/cwd/c.txt"
completions() {  # completions WORD... : what Tab offers for the last word, sorted, on one line
  (cd "$tmp/cwd" && bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gridctl
                             printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@" | sort | tr '\n' ' ' | sed 's/ $//')
}
expect_completions() {  # expect_completions "WANT" WORD...
  local want=$1 got
  shift
  got=$(completions "$@")
  [[ $got == "$want" ]] || fail "completion of '$*': '$got', want '$want'"
}
got=" $(completions gridctl '') "
for c in "${commands[@]}" --help --version; do
  [[ $got == *" $c "* ]] || fail "completion of 'gridctl ' lacks $c: '$got'"
done
expect_completions "--results --retries --retry" gridctl sweep --re
expect_completions "a.ini sub" gridctl sweep ''
expect_completions "a.ini sub" gridctl plan ''
expect_completions "a.ini b.jsonl sub" gridctl results ''
expect_completions "a.ini b.jsonl c.txt sub" gridctl sweep a.ini --results ''
expect_completions "" gridctl sweep a.ini --timeout ''
expect_completions "--connect" gridctl worker --con
for c in "${commands[@]}"; do
  got=" $(completions gridctl "$c" -) "
  for o in $(options_of "$gridctl" "$c"); do
    [[ $got == *" $o "* ]] || fail "completion of 'gridctl $c -' lacks $o: '$got'"
  done
done

# --- 2. the .deb --------------------------------------------------------------------------------
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/deb" >"$tmp/cpack.log" 2>&1; then
  echo "FAIL: cpack -G DEB: $(cat "$tmp/cpack.log")"
  exit 1
fi
debs=("$tmp"/deb/gridctl_*.deb)
[[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || { echo "FAIL: cpack made no single gridctl_*.deb: $(ls "$tmp/deb")"; exit 1; }
deb=${debs[0]}
version=$("$gridctl" --version | sed 's/^gridctl //')
[[ $(basename "$deb") == gridctl_${version}_$(dpkg --print-architecture).deb ]] || fail "the package is named $(basename "$deb")"
info=$(dpkg-deb -I "$deb")
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == gridctl ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: '$(field Version)', gridctl --version says $version"
for lib in libc6 libstdc++6 libzmq5 libpcre2-8-0; do
  [[ $(field Depends) == *"$lib "* ]] || fail "Depends lacks $lib (with a version): '$(field Depends)'"
done
[[ $(field Description) == "run a command over a grid of parameters on a cluster"$'\n'*journals* ]] ||
  fail "Description: summary and long text expected: $(field Description)"
[[ -n $(field Maintainer) ]] || fail "no Maintainer: $info"

# The package holds what `cmake --install` installs, under /usr.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./usr/||' | sort >"$tmp/deb.files"
(cd "$prefix" && find . -type f | sed 's|^\./||' | sort) >"$tmp/install.files"
diff "$tmp/install.files" "$tmp/deb.files" >"$tmp/files.diff" ||
  fail "the .deb's files differ from the install's (< install, > deb): $(cat "$tmp/files.diff")"

# Extracted, without installing: its gridctl runs the example sweep.
root=$tmp/root
dpkg -x "$deb" "$root"
[[ $("$root/usr/bin/gridctl" --version) == "gridctl $version" ]] || fail "the .deb's gridctl --version: $("$root/usr/bin/gridctl" --version 2>&1)"
cp -r "$root/usr/share/doc/gridctl/examples" "$tmp/example"
"$root/usr/bin/gridctl" sweep "$tmp/example/think.ini" --local 8 >"$tmp/sweep.log" 2>&1
rc=$?
((rc == 0)) || fail "the example sweep with the .deb's gridctl exited $rc: $(tail -5 "$tmp/sweep.log")"
ok=$(grep -c '"status": "ok"' "$tmp/example/think.jsonl" 2>/dev/null)
[[ $ok == 144 ]] || fail "the example sweep recorded ${ok:-no} ok points, want 144"
grep -qx "installed_gridctl='/usr/bin/gridctl'" "$root/usr/share/gridctl/gridctl-slurm-workers.sbatch" ||
  fail "the .deb's Slurm script does not name /usr/bin/gridctl"
"$root/usr/bin/gridctl-pdsh-workers" --help 2>&1 | grep -qF "(default: $root/usr/bin/gridctl)" ||
  fail "the .deb's gridctl-pdsh-workers does not default to the gridctl beside it"

# Installed into a dpkg root of its own (no chroot: the package has no maintainer scripts) and
# removed: every file goes. --force-depends: that root has no libc6 & co. to depend on.
droot=$tmp/dpkg-root
mkdir -p "$droot/var/lib/dpkg/updates" "$droot/var/lib/dpkg/info"
: >"$droot/var/lib/dpkg/status"
if dpkg --root="$droot" --force-depends --force-not-root -i "$deb" >"$tmp/dpkg.log" 2>&1; then
  [[ -x $droot/usr/bin/gridctl ]] || fail "dpkg -i put no /usr/bin/gridctl into its root"
  dpkg --root="$droot" --force-depends --force-not-root -r gridctl >>"$tmp/dpkg.log" 2>&1 || fail "dpkg -r: $(cat "$tmp/dpkg.log")"
  left=$(cd "$droot" && find usr -type f 2>/dev/null)
  [[ -z $left ]] || fail "dpkg -r left files: $left"
else
  fail "dpkg -i into a temporary root: $(cat "$tmp/dpkg.log")"
fi

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
