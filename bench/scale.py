"""Scale benchmark (bench/run.sh --scale): how nssimg's costs grow with image size, on the real
containers/Dockerfile.cuda built offline (the offline profile) with a third-party payload of 10 MB,
500 MB and 2 GB per platform (PAYLOADS="10M 500M 2G" to choose). For each payload:

  (s1) wall time of nssimg's split multi-arch build over the same build as one buildx call
       (--strategy single), both --no-cache, amd64 + arm64 (QEMU), pushed to the loopback registry;
       ROUNDS=N (default 1) repeats the pair, building split first in every other round;
  (s2) the engine's disk growth during each (du of the engine's data directory);
  (s3) nssimg's peak RSS (its JVM: NSSIMG_DAEMON=0, so the JVM is the process bin/nssimg becomes;
       buildx and docker children are not counted) during the split build;
  (s4) the code-only change: the bytes of the new layers of an amd64 runtime rebuild after one line
       changed under src/, against the project's own installed bytes (criterion: <= project + 1 MiB).

A payload is skipped, and said so, when the engine's disk has less than 6 times its two-platform
size free (one build grows it by about 3.7 times) or less than the build budget. The uv stand-in's
download cache is filled by an untimed build first (pushed to a repository of its own), so both
timed builds copy the payload from it (as uv's cache mount does on a real machine). Before each
timed build (untimed) the images of the earlier ones are removed and the engine's build cache but
its cache mounts is pruned: each build starts from the same disk, finds none of the other's blobs in
the engine, and pushes to a repository no build of this run has pushed to. THE PRUNES ARE THE WHOLE
ENGINE'S: on a shared test bed they clear other work's build cache too; after a payload the cache
mounts go as well. The build budget (--max-size) is 4 times the payload, at least 1 GB, so the
free-disk check before each build is nssimg's own. The registry keeps its blobs (run the registry's
garbage collection to free them). This is a script, not a timed test: the machine is shared, trust
the ratios."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from procfs import status_kib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REG = "127.0.0.1:5000"
PAYLOADS = os.environ.get("PAYLOADS", "10M 500M 2G").split()
ROUNDS = int(os.environ.get("ROUNDS", "1"))
STATE = os.environ.get("NSSIMG_TESTBED_DIR", "/var/lib/nssimg-testbed")
ENV = dict(os.environ, NSSIMG_DAEMON="0", SOURCE_DATE_EPOCH="0")
MIB = 1024 * 1024


def size_bytes(s):
    mult = {"K": 1024, "M": MIB, "G": 1024 * MIB}
    return int(float(s[:-1]) * mult[s[-1].upper()]) if s[-1].upper() in mult else int(s)


def run(argv, check=True, capture=False):
    p = subprocess.run(argv, cwd=ROOT, env=ENV, text=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        sys.exit(f"scale: {' '.join(argv)} failed ({p.returncode}): {p.stderr.strip().splitlines()[-3:]}")
    return p


def engine_bytes():
    p = subprocess.run(["du", "-sb", os.path.join(STATE, "docker")], capture_output=True, text=True)
    return int(p.stdout.split()[0]) if p.returncode == 0 and p.stdout else 0


def free_bytes():
    return shutil.disk_usage(os.path.join(STATE, "docker")).free


def measured(argv):
    """(wall seconds, engine disk growth in bytes, peak RSS of the JVM in MiB)."""
    before = engine_bytes()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while p.poll() is None:
        peak = max(peak, status_kib(p.pid, "VmHWM"))
        time.sleep(0.05)
    err = p.stderr.read()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"scale: {' '.join(argv)} failed ({p.returncode}): {err.strip().splitlines()[-3:]}")
    return wall, engine_bytes() - before, peak / 1024


def build(ctx, tag, budget, *extra):
    return ["bin/nssimg", "build", "--profile", "offline", "--context", ctx, "--target", "runtime", "--tag", tag,
            "--max-size", budget, "--progress", "quiet", *extra]


def clean(tags, mounts=False):
    """Untimed: the images of tags go, and the engine's build cache (its cache mounts too when mounts)."""
    present = [t for t in tags if subprocess.run(["docker", "image", "inspect", t], cwd=ROOT, env=ENV,
                                                 capture_output=True).returncode == 0]
    if present:
        run(["docker", "image", "rm", "--force", *present])
    run(["docker", "buildx", "prune", "--all", "--force"] + ([] if mounts else ["--filter", "type=regular"]))


def code_change(ctx, tag, budget):
    run(build(ctx, tag, budget))
    cli = os.path.join(ctx, "src/nemo_safe_synthesizer/cli.py")
    with open(cli, "a") as f:
        f.write("# a code change\n")
    doc = json.loads(run(build(ctx, tag, budget, "--json"), capture=True).stdout.strip().splitlines()[-1])
    project = int(run(["docker", "run", "--rm", "--entrypoint", "sh", tag, "-c",
                       "cd /opt/venv/lib/python3.11/site-packages && find nemo_safe_synthesizer "
                       "nemo_safe_synthesizer-0.0.0.dist-info /opt/venv/bin/safe-synthesizer -type f "
                       "-exec stat -c %s {} + | awk '{s+=$1} END {print s}'"], capture=True).stdout.strip())
    venv = next((l["bytes"] for l in doc["layers"]["largest"]
                 if l["instruction"] == "COPY --from=deps /opt/venv /opt/venv"), 0)
    return doc["layers"]["addedBytes"], project, venv, doc["size"]


def main():
    print(f"nssimg scale benchmark: payloads {' '.join(PAYLOADS)} per platform, {os.cpu_count()} cores, "
          f"DOCKER_HOST={os.environ.get('DOCKER_HOST')}")
    stamp = time.strftime("%Y%m%d%H%M%S")
    for payload in PAYLOADS:
        budget_mib = max(1024, 4 * size_bytes(payload) // MIB)
        budget = f"{budget_mib}MB"
        need = max(6 * 2 * size_bytes(payload), budget_mib * MIB)
        if free_bytes() < need:
            print(f"[{payload}] skipped: {free_bytes() / 1e9:.1f} GB free, needs {need / 1e9:.1f} GB")
            continue
        ctx = os.path.join(tempfile.mkdtemp(prefix="nssimg-scale-"), "ctx")
        run(["scripts/offline-context", ctx, "--payload", payload])
        key = f"{payload.lower()}-{stamp}"
        fill_tag, split_tag, single_tag, local_tag = (f"{REG}/bench/scale-fill-{key}:latest", f"{REG}/bench/scale-split-{key}:latest",
                                                      f"{REG}/bench/scale-single-{key}:latest", f"bench/scale-local-{key}:latest")
        multi = ["--multiarch", "--registry", REG, "--no-cache"]
        tags = [t + s for t in (fill_tag, split_tag) for s in ("", "-amd64", "-arm64")] + [single_tag, local_tag]
        run(build(ctx, fill_tag, budget, *multi, "--strategy", "split"))  # untimed: fills the uv stand-in's cache
        clean(tags)
        rounds = []
        for r in range(ROUNDS):
            # each round's builds push to repositories of their own; odd rounds build split first
            tag_of = {k: t.replace(":latest", f"-r{r}:latest") for k, t in (("split", split_tag), ("single", single_tag))}
            tags += [tag_of["split"] + s for s in ("", "-amd64", "-arm64")] + [tag_of["single"]]
            got = {}
            for strategy in (("single", "split") if r % 2 == 0 else ("split", "single")):
                got[strategy] = measured(build(ctx, tag_of[strategy], budget, *multi, "--strategy", strategy))
                clean(tags)
            rounds.append((got["split"], got["single"]))
        for r, (split, single) in enumerate(rounds):
            first = "single first" if r % 2 == 0 else "split first"
            print(f"[{payload}] (s1) split / single wall: {split[0] / single[0]:.2f}x ({split[0]:.1f} s vs {single[0]:.1f} s; "
                  f"round {r + 1}, {first})")
        if ROUNDS > 1:
            print(f"[{payload}] (s1) median of {ROUNDS} rounds: "
                  f"{statistics.median(sp[0] / si[0] for sp, si in rounds):.2f}x")
        split, single = rounds[0]
        print(f"[{payload}] (s2) engine disk growth: split {split[1] / 1e9:.2f} GB, single {single[1] / 1e9:.2f} GB "
              f"(ratio {split[1] / single[1] if single[1] else float('nan'):.2f}x; round 1)")
        print(f"[{payload}] (s3) nssimg peak RSS: {max(sp[2] for sp, _ in rounds):.1f} MiB during split, "
              f"{max(si[2] for _, si in rounds):.1f} MiB during single (the highest of the rounds)")
        added, project, venv, image = code_change(ctx, local_tag, budget)
        ok = added <= project + MIB
        print(f"[{payload}] (s4) code-only change adds {added} bytes; project {project} bytes, venv layer {venv} bytes, "
              f"image {image} bytes: {added / image * 100:.3f} % of the image; criterion <= project + 1 MiB: "
              f"{'meets' if ok else 'MISSES'}")
        shutil.rmtree(os.path.dirname(ctx), ignore_errors=True)
        clean(tags, mounts=True)


if __name__ == "__main__":
    main()
