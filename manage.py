#!/usr/bin/env python
from chuangwen.cli import main

if __name__ == "__main__":
    main()
