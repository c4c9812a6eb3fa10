#!/usr/bin/env python
from linli.manage import main

if __name__ == "__main__":
    main()
