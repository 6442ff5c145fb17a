"""Does each start-up trick pay for itself? For every trick, `build --profile example --dry-run` with the
trick on and off, cold (a JVM per command) and through a daemon (one per variant, in a runtime directory
of its own), as the ratio to `docker buildx version` in the same round, median (min-max) over ROUNDS
interleaved rounds. Run by bench/run.sh --tricks.

The one trick left is the AppCDS archive (the launcher's -XX:SharedArchiveFile): 1.6x cold, nothing through
the daemon. Two more were measured with switches here on 2026-12-01 and removed, since through the daemon
(the default) neither moved and cold they gained 6-19 % and 3-7 %: a parse cache of the profiles file
(written into the user's tree, in a format of its own) and a hand-written reader of exec-form JSON (Jackson's
streaming parser reads it now). A new trick gets a switch here: an entry in SWITCHES, a JVM option."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = int(os.environ.get("ROUNDS", "15"))
JAR = os.path.abspath("target/nssimg.jar")
JSA = os.path.abspath("target/nssimg.jsa")
CLIENT = os.path.abspath("target/nssimg-client")
BASE = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"]
CDS = [f"-XX:SharedArchiveFile={JSA}", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
ARGS = ["build", "--profile", "example", "--dry-run"]
VARIANTS = {"all tricks on": BASE + CDS, "no AppCDS archive": BASE + ["-Xshare:off"]}
SWITCHES = {}  # name: a JVM option that turns a trick off


def timed(argv, env):
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"tricks: {' '.join(argv)} failed ({p.returncode}): {p.stderr.strip()[-300:]}")
    return time.perf_counter() - t0


def main():
    for name, prop in SWITCHES.items():
        VARIANTS[name] = BASE + CDS + [prop]
    runtimes = {name: tempfile.mkdtemp(prefix="nssimg-tricks-") for name in VARIANTS}
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    ref = ["docker", "buildx", "version"]

    def cold(opts):
        return ["java"] + opts + ["-jar", JAR] + ARGS

    def warm(opts):
        return [CLIENT, JAR, str(len(opts))] + opts + ARGS

    for name, opts in VARIANTS.items():  # start each variant's daemon, and fill caches
        timed(warm(opts), dict(env, XDG_RUNTIME_DIR=runtimes[name], NSSIMG_DAEMON="1"))
        timed(cold(opts), env)
    ratios = {(n, m): [] for n in VARIANTS for m in ("cold", "daemon")}
    try:
        for _ in range(ROUNDS):
            for name, opts in VARIANTS.items():
                for mode, argv, e in (("cold", cold(opts), env),
                                      ("daemon", warm(opts), dict(env, XDG_RUNTIME_DIR=runtimes[name], NSSIMG_DAEMON="1"))):
                    a = timed(argv, e)
                    b = timed(ref, env)
                    ratios[(name, mode)].append(a / b)
    finally:
        for name, rt in runtimes.items():
            subprocess.run([CLIENT, JAR, "0", "daemon", "stop"], env=dict(env, XDG_RUNTIME_DIR=rt, NSSIMG_DAEMON="1"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(rt, ignore_errors=True)
    print(f"start-up tricks: build --dry-run / docker buildx version, {ROUNDS} rounds, median (min-max)")
    for (name, mode), r in ratios.items():
        print(f"  {name:<34} {mode:<7} {statistics.median(r):5.2f}x ({min(r):.2f}-{max(r):.2f})")


if __name__ == "__main__":
    main()
