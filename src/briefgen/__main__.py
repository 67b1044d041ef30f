"""Entry point for ``python -m briefgen``."""

from briefgen.cli import run

# The guard matters: a child process started by "spawn" (charts are drawn in one) imports the
# parent's main module again, and must not run the command a second time.
if __name__ == "__main__":
    run()
