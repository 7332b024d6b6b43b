"""`python -m triage` is the same program as `prolactin-triage`."""

from triage.cli import main

if __name__ == "__main__":
    main()
