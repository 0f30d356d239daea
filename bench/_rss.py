"""Run a command and print its peak resident memory (KiB) on stderr as PEAK_RSS_KB=..."""

import resource
import subprocess
import sys

code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"PEAK_RSS_KB={peak}", file=sys.stderr)
sys.exit(code)
