"""Benchmarks that print figures (never asserted in tests). `make bench` runs this file."""


def main() -> int:
    print("no benchmarks yet; later issues add them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
