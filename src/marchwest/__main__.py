import sys

try:
    from marchwest.cli import main

    code = main()
except KeyboardInterrupt:  # before the command began (its own interrupts are handled in main)
    print("marchwest: interrupted", file=sys.stderr)
    code = 130
raise SystemExit(code)
