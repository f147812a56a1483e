import os
import sys

try:
    from marchwest.cli import main

    code = main()
except KeyboardInterrupt:  # before the command began (its own interrupts are handled in main)
    print("marchwest: interrupted", file=sys.stderr)
    code = 130
if code == 130:
    # CPython marks a Ctrl-C that passed through exec() of a string (dataclasses, namedtuples,
    # templates) as unhandled even once caught, and would end the process by SIGINT (-2) instead
    # of with 130: leave at once, the message written.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
