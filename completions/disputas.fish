# fish completion for disputas(1).  Installed by meson into
# share/fish/vendor_completions.d/disputas.fish.
set -l commands render build check watch preview layouts new serve
complete -c disputas -f
complete -c disputas -n "not __fish_seen_subcommand_from $commands" -a "$commands"
complete -c disputas -s h -l help -d 'Show help'
complete -c disputas -s V -l version -d 'Print the version'
complete -c disputas -s q -l quiet -d 'Print no line for each file written'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch layouts" -l werror -d 'Treat warnings as errors'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch layouts" -l diagnostics -x -a 'text json'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch layouts" -l root -x -a '(__fish_complete_directories)' -d 'Keep every file a document names inside DIR'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch preview" -s l -l layout -r -a 'poster booklet booklet-print (__fish_complete_suffix .yaml)'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch" -l preflight -d 'Print checks'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch" -l press -d 'Press output with the bleed'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch" -l marks -d 'Crop marks'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch" -l press-profile -r -a 'srgb cmyk (__fish_complete_suffix .icc)' -d 'Printing condition: srgb, cmyk or an ICC file'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch" -l press-condition -x -d 'Name of the printing condition'
complete -c disputas -n "__fish_seen_subcommand_from render build watch" -l pdfa -d 'PDF/A-2b for archives'
complete -c disputas -n "__fish_seen_subcommand_from render" -s o -l output -r -F
complete -c disputas -n "__fish_seen_subcommand_from render" -s f -l format -x -a 'pdf png svg trace'
complete -c disputas -n "__fish_seen_subcommand_from render" -l trace -d 'The composed pages as text'
complete -c disputas -n "__fish_seen_subcommand_from render" -l impose -x -a 'saddle-stitch none'
complete -c disputas -n "__fish_seen_subcommand_from render preview" -l dpi -x
complete -c disputas -n "__fish_seen_subcommand_from build watch" -s d -l outdir -x -a '(__fish_complete_directories)'
complete -c disputas -n "__fish_seen_subcommand_from build serve" -s j -l jobs -x
complete -c disputas -n "__fish_seen_subcommand_from serve" -s H -l host -x -d 'IP address to listen on'
complete -c disputas -n "__fish_seen_subcommand_from serve preview" -s p -l port -x -d 'Port, 0 for a free one'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l queue -x -d 'Requests that may wait'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l max-body -x -d 'Largest body, MiB'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l max-pages -x -d 'Most pages a render'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l max-pixels -x -d 'Most PNG pixels, millions'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l timeout -x -d 'Seconds a render may take'
complete -c disputas -n "__fish_seen_subcommand_from serve" -l read-timeout -x -d 'Seconds a request may take to arrive'
complete -c disputas -n "__fish_seen_subcommand_from new" -l lang -x -a 'en nb nn sv da fi is de nl fr'
complete -c disputas -n "__fish_seen_subcommand_from new" -l events -x
complete -c disputas -n "__fish_seen_subcommand_from render build check watch preview new" -k -a '(__fish_complete_suffix .yaml)'
complete -c disputas -n "__fish_seen_subcommand_from render build check watch preview layouts" -l house -r -F -d 'House style of documents that name none'
