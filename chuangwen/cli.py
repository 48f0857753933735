"""The `chuangwen` console script: `chuangwen <command>` runs the project's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangwen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chuangwen", *sys.argv[1:]])


if __name__ == "__main__":
    main()
