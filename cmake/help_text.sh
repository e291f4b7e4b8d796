# cmake/help_text.sh — reads gridctl's own --help texts, for the generators of the man pages
# shellcheck shell=bash
# (make_man_pages.sh) and of the bash completion (make_completion.sh). Sourced, not run.
# The --help texts are the one source: a command or option added to apps/gridctl/main.cpp
# appears in the pages and the completion at the next build, with nothing else to edit.
#
# `gridctl --help` lists the commands under "commands:" as "  NAME ARGS  description"; each
# `gridctl NAME --help` is Boost.Program_options' layout: a synopsis line, a description, then
# groups ("options:") of "  -h [ --help ]  text" / "  --limit N  text" lines whose text may
# continue on lines indented further.

# help_commands GRIDCTL: one line per command, "NAME US ARGS US DESCRIPTION", US being the unit
# separator \x1f (with a tab, `IFS=$'\t' read` would merge empty fields).
help_commands() {
  "$1" --help | sed -n '/^commands:$/,/^$/p' | sed -n 's/^  \([a-z][a-z0-9-]*\) \(.*\)$/\1 \2/p' |
    while IFS= read -r line; do
      local spec=${line%%  *} desc=${line#*  }
      [[ $spec == "$line" ]] && desc=""  # no description column
      desc=${desc#"${desc%%[! ]*}"}
      local name=${spec%% *} args=""
      [[ $spec == *" "* ]] && args=${spec#* }
      printf '%s\x1f%s\x1f%s\n' "$name" "$args" "$desc"
    done
}

# help_text GRIDCTL [COMMAND]: the --help text of the program or of COMMAND.
help_text() {
  if (($# > 1)); then "$1" "$2" --help; else "$1" --help; fi
}

# help_options < HELP_TEXT: one line per option, "GROUP US SHORT US LONG US VALUE US TEXT"
# (SHORT and VALUE may be empty; GROUP is the heading above it, e.g. "options").
help_options() {
  local group="" pending="" line
  flush() {
    [[ -n $pending ]] && printf '%s\n' "$pending"
    pending=""
  }
  while IFS= read -r line; do
    line=${line%"${line##*[! ]}"}  # Boost leaves a blank where it wraps
    if [[ $line =~ ^([^[:space:]].*):$ ]]; then
      flush
      group=${BASH_REMATCH[1]}
    elif [[ -n $group && $line =~ ^\ \ (-[^ ].*)$ ]]; then
      flush
      local rest=${BASH_REMATCH[1]} spec desc short="" long value=""
      spec=${rest%%  *}
      desc=""
      [[ $spec != "$rest" ]] && desc=${rest#"$spec"}
      desc=${desc#"${desc%%[! ]*}"}
      if [[ $spec =~ ^-([A-Za-z0-9])\ \[\ --([^ ]+)\ \](\ (.*))?$ ]]; then  # Boost: -h [ --help ] V
        short=${BASH_REMATCH[1]} long=${BASH_REMATCH[2]} value=${BASH_REMATCH[4]}
      elif [[ $spec =~ ^-([A-Za-z0-9]),\ --([^ ]+)(\ (.*))?$ ]]; then  # plain: -h, --help V
        short=${BASH_REMATCH[1]} long=${BASH_REMATCH[2]} value=${BASH_REMATCH[4]}
      elif [[ $spec =~ ^--([^ ]+)(\ (.*))?$ ]]; then
        long=${BASH_REMATCH[1]} value=${BASH_REMATCH[3]}
      else
        continue
      fi
      pending=$(printf '%s\x1f%s\x1f%s\x1f%s\x1f%s' "$group" "$short" "$long" "$value" "$desc")
    elif [[ -n $pending && $line =~ ^\ \ \ +([^ ].*)$ ]]; then  # the text goes on
      if [[ $pending == *$'\x1f' ]]; then pending+=${BASH_REMATCH[1]}; else pending+=" ${BASH_REMATCH[1]}"; fi
    else
      flush
    fi
  done
  flush
}

# help_synopsis < HELP_TEXT: the first line without "usage: ".
help_synopsis() {
  local line
  IFS= read -r line
  printf '%s\n' "${line#usage: }"
}

# help_description < HELP_TEXT: the lines between the synopsis and the first group heading.
help_description() {
  sed '1d; /^[^[:space:]].*:$/,$d' | sed '/./,$!d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
