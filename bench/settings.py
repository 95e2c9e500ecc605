"""The shop's settings with the benchmark's floors routed beside its URLs (bench/floors.py)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floors"
