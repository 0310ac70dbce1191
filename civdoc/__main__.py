from civdoc.cli import main

main()
