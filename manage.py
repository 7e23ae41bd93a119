#!/usr/bin/env python
import os
import sys


def main():
    from modelhub.umask import restrict_new_files

    # Static files are public and often collected by another user than the one serving them
    # (a container's build step); whitenoise writes their compressed copies under the umask.
    if sys.argv[1:2] != ["collectstatic"]:
        restrict_new_files()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
