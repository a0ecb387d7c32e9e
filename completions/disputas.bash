# bash completion for disputas(1).  Installed by meson into
# share/bash-completion/completions/disputas.
_disputas() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cword=$COMP_CWORD
  }
  local commands="render build check watch preview layouts new serve"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  local command=${COMP_WORDS[1]}
  case $prev in
    -l|--layout)
      COMPREPLY=($(compgen -W "poster booklet booklet-print" -- "$cur")
                 $(compgen -f -X '!*.@(yaml|yml)' -- "$cur"))
      return ;;
    -f|--format) COMPREPLY=($(compgen -W "pdf png svg trace" -- "$cur")); return ;;
    --impose) COMPREPLY=($(compgen -W "saddle-stitch none" -- "$cur")); return ;;
    --diagnostics) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    -d|--outdir|--root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "en nb nn sv da fi is de nl fr" -- "$cur")); return ;;
    --dpi|--events|-j|--jobs|-p|--port|-H|--host|--queue|--max-body|--max-pages|--max-pixels|--timeout|--read-timeout) return ;;
  esac
  local options="--help --version --quiet"
  case $command in
    render) options+=" --layout --output --format --trace --impose --dpi --press --marks --press-profile --press-condition --pdfa --preflight --werror --diagnostics --root --house" ;;
    build) options+=" --outdir --layout --jobs --press --marks --press-profile --press-condition --pdfa --preflight --werror --diagnostics --root --house" ;;
    check) options+=" --layout --press --marks --press-profile --press-condition --preflight --werror --diagnostics --root --house" ;;
    watch) options+=" --outdir --layout --press --marks --press-profile --press-condition --pdfa --preflight --werror --diagnostics --root --house" ;;
    preview) options+=" --layout --house --port --dpi" ;;
    layouts) options+=" --werror --diagnostics --root --house" ;;
    new) options+=" --lang --events" ;;
    serve) options+=" --host --port --jobs --queue --max-body --max-pages --max-pixels --timeout --read-timeout" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $command != layouts && $command != serve ]]; then
    COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -F _disputas disputas
