from marchwest.cli import main

raise SystemExit(main())
