#!/usr/bin/env python3
"""A stand-in for a scraper that reports progress on stdout, the way seed 000's scripts do.

Pipe its output into progress-hub and the job's bars move while it runs:

    python3 -u docs/examples/scrape.py | curl -sS -T - -H "Authorization: Bearer $TOKEN" "$HUB/api/jobs/my-scrape/log"

Lines it prints: one chatty line (ignored by the hub), "PROGRESS: Starting scrape of N artists",
"PROGRESS: Processing artist i/N: Artist i" for each artist, then "PROGRESS: Completed scraping N artists".
"""
import argparse
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150, help="artists to 'scrape' (default 150)")
    parser.add_argument("--delay", type=float, default=0.01, help="seconds per artist (default 0.01)")
    args = parser.parse_args()

    print("Connecting to the artist API...")
    print(f"PROGRESS: Starting scrape of {args.count} artists")
    for i in range(1, args.count + 1):
        time.sleep(args.delay)
        print(f"PROGRESS: Processing artist {i}/{args.count}: Artist {i:03d}")
    print(f"PROGRESS: Completed scraping {args.count} artists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
