#!/bin/zsh -f
# usage: zsh -f zcomplete.zsh FPATHDIR WORDS...: what zsh's completion
# offers for the command line WORDS (the last one being typed), one match
# per line, from the completion function in FPATHDIR, in a shell of its own.
zmodload zsh/zpty || { print -u2 'zcomplete: no zsh/zpty module'; exit 2 }
dir=$1; shift
zpty z zsh -f -i
init=$(mktemp)
cat >$init <<INIT
PROMPT=
fpath=($dir \$fpath)
autoload -U compinit
compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
# every match, as compadd is given it, between two marks
_zc_mark() { print -n -- \$'\\x1e\\n' }
compprefuncs=(_zc_mark)
comppostfuncs=(_zc_mark exit)
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "\$@"; return; fi
  local -a _zc_hits
  builtin compadd -A _zc_hits "\$@"
  local m; for m in \$_zc_hits; print -r -- "\$m"
}
print zc-ready
INIT
zpty -w z "source $init"
local line
repeat 50; do
  zpty -r z line
  [[ $line == zc-ready* ]] && break
done
zpty -w z "$*"$'\t'
integer inside=0
while zpty -r z line; do
  line=${line%$'\r'}
  line=${line%$'\n'}
  line=${line%$'\r'}
  if [[ $line == *$'\x1e'* ]]; then
    (( inside++ )) && break
    continue
  fi
  (( inside )) && print -r -- "$line"
done
rm -f $init
