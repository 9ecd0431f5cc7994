# bash completion for collm. The words come from the program at each
# completion (collm --help, collm CMD --help, collm spaces), never from a
# list kept here, so they follow the program as it changes.

# collm CMD --help on stdin -> one line per option: FLAG, ARG, CHOICES, apart
# by \037 (a tab is white space to read, and empty fields would run together).
# CHOICES are the fixed values its help lists ("auto (default), candidates,
# strategy, all"; "offline or llm"; an ARG "0|1"): text in parentheses, after
# a ';' and before a ':' is not a value, and a list needs two plain words.
_collm_options() {
    awk '
    /^  --[a-z0-9]/ {
        name = $1; rest = substr($0, 3 + length(name)); arg = ""
        if (rest ~ /^ [^ ]/) {
            rest = substr(rest, 2); arg = rest; sub(/ .*/, "", arg)
            rest = substr(rest, length(arg) + 1)
        }
        h = rest; ch = ""
        if (arg ~ /\|/) { ch = arg; gsub(/\|/, " ", ch) }
        else if (arg != "") {
            while (match(h, /\([^()]*\)/)) h = substr(h, 1, RSTART - 1) substr(h, RSTART + RLENGTH)
            sub(/;.*/, "", h)
            if (index(h, ":")) h = substr(h, index(h, ":") + 1)
            gsub(/ or /, ",", h)
            n = split(h, it, ","); k = 0; list = ""
            for (i = 1; i <= n; i++) {
                w = it[i]; gsub(/^ +| +$/, "", w)
                if (w ~ /^[a-z0-9][a-z0-9_.-]*$/) { k++; list = list (k > 1 ? " " : "") w }
            }
            if (k >= 2) ch = list
        }
        printf "%s\037%s\037%s\n", name, arg, ch
    }'
}

# collm spaces -> the names under "Spaces" (1) or "Algorithms" (2).
_collm_spaces() {
    "$1" spaces 2>/dev/null | awk -v want="$2" '
        /^Spaces/ { s = 1; next } /^Algorithms/ { s = 2; next } /^$/ { s = 0 }
        s == want && /^  [^ ]/ { print $1 }'
}

_collm() {
    local prog=${COMP_WORDS[0]/#\~/$HOME} cword=$COMP_CWORD i
    # readline splits "nb201:cifar10" and "--space=x" at ':' and '=': join
    # the pieces back into the value being completed, and remember how much
    # of it readline does not replace (up to the last ':').
    local j=$cword cur=${COMP_WORDS[cword]}
    while ((j > 1)) && [[ ${COMP_WORDS[j]} == : || ${COMP_WORDS[j - 1]} == : ]]; do
        j=$((j - 1)); cur=${COMP_WORDS[j]}$cur
    done
    local prev=${COMP_WORDS[j - 1]}
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]]; then
        prev=${COMP_WORDS[j - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}; cur=${cur#*=}
    fi
    local keep=
    [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]] && keep=${cur%"${cur##*:}"}
    COMPREPLY=()

    local cmd=${COMP_WORDS[1]}
    if ((cword == 1)) && [[ $cur != -* ]]; then
        local cmds
        cmds=$("$prog" --help 2>/dev/null | awk '/^Commands:/ { c = 1; next } /^$/ { c = 0 } c && /^  [a-z]/ { print $1 }')
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        return
    fi
    [[ $cmd == -* ]] && cmd=search # options with no command are the default search's

    local opts
    opts=$("$prog" "$cmd" --help 2>/dev/null | _collm_options)
    ((cword == 1)) && opts+=$'\n--version'

    local flag arg ch found=
    if [[ $prev == --* ]]; then
        while IFS=$'\037' read -r flag arg ch; do
            [[ $flag == "$prev" ]] && { found=1; break; }
        done <<<"$opts"
    fi
    if [[ -n $found && -n $arg ]]; then
        local words= pre=
        case ${prev#--} in
        space) words=$(_collm_spaces "$prog" 1) ;;
        algo) words=$(_collm_spaces "$prog" 2) ;;
        *) words=$ch ;;
        esac
        if [[ $arg == LIST ]]; then # comma-separated: complete the last item
            pre=${cur%"${cur##*,}"}
        fi
        if [[ -n $words ]]; then
            COMPREPLY=($(compgen -P "$pre" -W "$words" -- "${cur#"$pre"}"))
        elif [[ $arg == DIR ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur") # a name may hold spaces
        elif [[ $arg == FILE || $arg == OUT || $arg == NEW ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        if [[ -n $keep ]]; then
            for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$keep"}; done
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(cut -d $'\037' -f1 <<<"$opts")" -- "$cur"))
        return
    fi
    # a positional argument: a session file, or the literal words of the usage line
    local usage
    usage=$("$prog" "$cmd" --help 2>/dev/null | sed -n '1s/^usage: [^ ]* [^ ]* *//p')
    case $usage in
    FILE*)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X '!*.jsonl' -- "$cur"; compgen -d -- "$cur")
        ;;
    [a-z]*)
        COMPREPLY=($(compgen -W "${usage%% *}" -- "$cur"))
        ;;
    esac
}
complete -F _collm collm
