"""Measurements for bench/run.sh. Every figure is a ratio of two commands run
back to back in the same round, reported as median (min-max) over the rounds."""
import json
import os
import statistics
import subprocess
import sys
import time

ROUNDS = int(os.environ.get("ROUNDS", "7"))
REG = "127.0.0.1:5000"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="0")  # identical labels, so cached builds stay cached
NSSIMG = ["bin/nssimg"]


def timed(argv, env=ENV):
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed ({p.returncode}): {p.stderr.strip().splitlines()[-1:]}")
    return dt


def summary(name, ratios, a_times, b_times, target, unit="x"):
    med = statistics.median(ratios)
    ok = "meets" if med <= target else "MISSES"
    print(f"{name:<46} {med:6.2f}{unit} (min {min(ratios):.2f}, max {max(ratios):.2f})  "
          f"[{statistics.median(a_times) * 1000:.0f} ms vs {statistics.median(b_times) * 1000:.0f} ms]  "
          f"target <= {target}: {ok}")
    return med <= target


def ratio_rounds(a, b):
    ra, ta, tb = [], [], []
    for _ in range(ROUNDS):
        x, y = timed(a), timed(b)
        ra.append(x / y)
        ta.append(x)
        tb.append(y)
    return ra, ta, tb


def peak_rss_mib(argv):
    """Peak RSS (VmHWM) of the nssimg JVM itself (bin/nssimg execs java), children excluded."""
    p = subprocess.Popen(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            break
        time.sleep(0.01)
    if p.wait() != 0:
        sys.exit(f"bench: {' '.join(argv)} failed")
    return peak / 1024


def main():
    print(f"nssimg benchmark: {ROUNDS} rounds, {os.cpu_count()} cores, DOCKER_HOST={os.environ.get('DOCKER_HOST')}")
    results = []

    # (a) start-up and planning against the docker CLI's own start-up.
    a = NSSIMG + ["build", "--profile", "example", "--dry-run"]
    results.append(summary("(a) build --dry-run / docker buildx version", *ratio_rounds(a, ["docker", "buildx", "version"]), 3.0))

    # (b) a fully cached rebuild: nssimg against the identical argv run by buildx directly.
    timed(NSSIMG + ["build", "--profile", "example"])
    plan = json.loads(subprocess.run(NSSIMG + ["build", "--profile", "example", "--dry-run", "--json"], env=ENV,
                                     capture_output=True, text=True, check=True).stdout)
    direct = plan["commands"][0]["argv"]
    results.append(summary("(b) cached rebuild: nssimg / buildx direct", *ratio_rounds(NSSIMG + ["build", "--profile", "example"], direct), 1.10))

    # (c) the split strategy (cache-only builds, per-arch pushes, one index) against one buildx call.
    split = NSSIMG + ["build", "--profile", "example", "--multiarch", "--registry", REG, "--tag", "bench/split:latest"]
    single = NSSIMG + ["build", "--profile", "example", "--multiarch", "--strategy", "single", "--registry", REG,
                       "--tag", "bench/single:latest"]
    timed(split), timed(single)
    results.append(summary("(c) multi-arch: split / single", *ratio_rounds(split, single), 1.2))

    # (d) memory of nssimg while it drives a build (and the smoke after it).
    peaks = [peak_rss_mib(NSSIMG + ["build", "--profile", "example", "--smoke"]) for _ in range(max(3, ROUNDS // 2))]
    med = statistics.median(peaks)
    ok = "meets" if med <= 150 else "MISSES"
    print(f"{'(d) peak RSS of nssimg during build --smoke':<46} {med:6.1f} MiB (min {min(peaks):.1f}, max {max(peaks):.1f})"
          f"  target <= 150: {ok}")
    results.append(med <= 150)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
