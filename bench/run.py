#!/usr/bin/env python3
"""`make bench` driver (issue 7): fixlog beside the physical limit or the tool a user would otherwise use,
on the same generated input, in the same run. Standard library only.

    python3 bench/run.py [--fixlog PATH] [--bench-tool PATH] [--venv DIR] [--runs N] [--out FILE]
                         [--corpus DIR] [--only NAME[,NAME...]] [--keep]

Each pair runs interleaved (fixlog, peer, fixlog, peer, ...) after one untimed warm-up of each; the table
shows the minimum and the median, and bench/results.json records the minimums (`ratio` = fixlog / peer).
Peak RSS comes from wait4() on the child (ru_maxrss, KiB on Linux). These shared machines are noisy:
absolute times vary from run to run, ratios measured in one run hold.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------- measuring

def run_once(cmd, cwd=None, ok=(0,), env=None):
    """Runs `cmd` with output discarded; returns (wall seconds, peak RSS KiB, CPU seconds user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode} in {cwd or os.getcwd()}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def run_json(cmd, cwd=None):
    """Runs a command that prints one JSON object (in-process timings); returns (object, peak RSS KiB)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}")
    return json.loads(out), usage.ru_maxrss


class Series:
    """Timings of one side of a pair."""

    def __init__(self):
        self.times, self.rss, self.cpu = [], [], []

    def add(self, seconds, rss, cpu=None):
        self.times.append(seconds)
        self.rss.append(rss)
        self.cpu.append(seconds if cpu is None else cpu)

    @property
    def cpu_min(self):
        return min(self.cpu)

    @property
    def min(self):
        return min(self.times)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def peak_rss(self):
        return max(self.rss)


def pair(runs, fixlog, peer=None, before=None):
    """Interleaves the two sides `runs` times after a warm-up of each. `fixlog`/`peer` return (seconds, rss);
    `before` (untimed) runs before every timed run, e.g. to remove an output folder."""
    a, b = Series(), Series()
    for i in range(runs + 1):
        if before:
            before()
        s = fixlog()
        if i > 0:
            a.add(*s)
        if peer:
            if before:
                before()
            s = peer()
            if i > 0:
                b.add(*s)
    return a, (b if peer else None)


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.rows = []  # dicts in the results.json shape, plus private keys starting with "_"

    def add(self, name, input, fixlog, peer_name, peer, goal, met, ratio=None, rss=None, note=None, cpu=False):
        """`cpu`: compare CPU time (user + system) instead of wall time: used for the scaling rows, where
        both sides are fixlog and other processes on a shared machine would otherwise decide the ratio."""
        pick = (lambda x: x.cpu_min) if cpu else (lambda x: x.min)
        fixlog_seconds = round(pick(fixlog), 4) if isinstance(fixlog, Series) else fixlog
        peer_seconds = round(pick(peer), 4) if isinstance(peer, Series) else peer
        if ratio is None and fixlog_seconds is not None and peer_seconds:
            ratio = fixlog_seconds / peer_seconds
        row = {
            "name": name, "input": input,
            "fixlogSeconds": fixlog_seconds, "peer": peer_name, "peerSeconds": peer_seconds,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "goal": goal, "met": met(ratio, fixlog_seconds) if callable(met) else met,
            "fixlogPeakRSSKiB": rss if rss is not None else (fixlog.peak_rss if isinstance(fixlog, Series) else None),
            "_fixlogMedian": fixlog.median if isinstance(fixlog, Series) and not cpu else None,
            "_peerMedian": peer.median if isinstance(peer, Series) and not cpu else None,
            "_note": ("CPU seconds" + (f"; {note}" if note else "")) if cpu else note,
        }
        self.rows.append(row)
        print_row(row)
        return row

    def skip(self, name, input, peer_name, goal, why):
        row = {"name": name, "input": input, "fixlogSeconds": None, "peer": peer_name, "peerSeconds": None,
               "ratio": None, "goal": goal, "met": None, "fixlogPeakRSSKiB": None,
               "_fixlogMedian": None, "_peerMedian": None, "_note": why}
        self.rows.append(row)
        print_row(row)


def fmt(x, digits=3):
    return "—" if x is None else f"{x:.{digits}f}"


HEADER = f"{'name':<16} {'input':<44} {'fixlog min/med s':>18} {'peer':<26} {'peer min/med s':>16} {'ratio':>7} {'goal':>9} {'met':>4} {'RSS KiB':>9}"


def print_row(r):
    if r["fixlogSeconds"] is None and r["met"] is None and r["_note"]:
        print(f"{r['name']:<16} {r['input'][:44]:<44} skipped: {r['_note']}", flush=True)
        return
    fx = f"{fmt(r['fixlogSeconds'])}/{fmt(r['_fixlogMedian'])}" if r["_fixlogMedian"] is not None else fmt(r["fixlogSeconds"])
    pe = f"{fmt(r['peerSeconds'])}/{fmt(r['_peerMedian'])}" if r["_peerMedian"] is not None else fmt(r["peerSeconds"])
    met = {True: "yes", False: "NO", None: "—"}[r["met"]]
    line = (f"{r['name']:<16} {r['input'][:44]:<44} {fx:>18} {(r['peer'] or '—')[:26]:<26} {pe:>16} "
            f"{fmt(r['ratio'], 2):>7} {r['goal']:>9} {met:>4} {r['fixlogPeakRSSKiB'] or '—':>9}")
    if r["_note"]:
        line += f"  ({r['_note']})"
    print(line, flush=True)


def machine():
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    pretty = platform.system()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memoryGiB": round(mem_kib / 1024 / 1024, 1),
            "os": f"{pretty}, {platform.system()} {platform.release()} {platform.machine()}"}


# ---------------------------------------------------------------- the benchmarks

def has_command(fixlog, name):
    """Whether the built binary has a subcommand (regenerate and site land separately). `fixlog NAME --help`
    of an unknown NAME prints the top-level help, so the usage line must name the subcommand."""
    proc = subprocess.run([fixlog, name, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.returncode == 0 and f"USAGE: fixlog {name}" in proc.stdout.decode("utf-8", "replace")


def guarded(res, label, block):
    """Runs one group of rows; a command that fails is reported and the run goes on."""
    try:
        block()
    except Exception as error:  # noqa: BLE001 - any failure of one row must not lose the others
        print(f"bench: {label}: failed: {error}", flush=True)
        res.skip(label.split(",")[0].strip(), "—", None, "—", f"failed: {error}")


def count_processes(cmd, cwd, workdir):
    """Processes a command starts (execve calls after its own), through strace; None without strace."""
    if not shutil.which("strace"):
        return None
    trace = os.path.join(workdir, "strace.out")
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve,execveat", "-o", trace] + cmd, cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(trace) as f:
        execs = sum(1 for line in f if "execve(" in line or "execveat(" in line)
    return max(0, execs - 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixlog", default=os.path.join(ROOT, ".build/release/fixlog"))
    ap.add_argument("--bench-tool", default=os.path.join(ROOT, ".build/release/fixlog-bench"))
    ap.add_argument("--venv", default=os.path.join(ROOT, ".build/bench-venv"))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--out", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--corpus", default=os.environ.get("FIXLOG_CORPUS", os.path.join(ROOT, "..", "shared", "corpus")))
    ap.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    ap.add_argument("--keep", action="store_true", help="keep the generated workloads and print where")
    args = ap.parse_args()
    fixlog = os.path.abspath(args.fixlog)
    tool = os.path.abspath(args.bench_tool)
    venv = os.path.abspath(args.venv)  # commands run in the workload folders
    vpy = os.path.join(venv, "bin", "python")
    cram = os.path.join(venv, "bin", "cram")
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only
    for path in (fixlog, tool):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: no executable at {path} (swift build -c release --product fixlog / fixlog-bench)")
    runs = max(1, args.runs)

    work = tempfile.mkdtemp(prefix="fixlog-bench-")
    try:
        print(f"bench: generating workloads (seeded) in {work}", flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), work], check=True)
        logs = {n: os.path.join(work, "logs", str(n)) for n in (100, 1000, 10000)}
        big = os.path.join(logs[10000], "DOCKERFILE_FIXES.md")
        size_mb = os.path.getsize(big) / 1e6
        m = machine()
        print(f"bench: {m['cores']} cores, {m['memoryGiB']} GiB, {m['os']}; {runs} runs per side, interleaved\n", flush=True)
        print(HEADER, flush=True)
        res = Results()
        le = lambda limit: (lambda ratio, s: ratio is not None and ratio <= limit)

        # ingest, ingest-scaling, memory
        def block0():
            ingest_times = {}
            if want("ingest") or want("ingest-scaling") or want("memory"):
                parse = lambda n: (lambda: run_once([fixlog, "parse", "--format", "json", "DOCKERFILE_FIXES.md"], cwd=logs[n], ok=(0, 1)))
                cm = lambda: run_once(["cmark", "--sourcepos", "-t", "xml", big])
                fx, pe = pair(runs, parse(10000), cm)
                ingest_times[10000] = fx
                res.add("ingest", f"10,000 records ({size_mb:.1f} MB)", fx, "cmark --sourcepos -t xml", pe, "<= 1.5", le(1.5))
                if want("ingest-scaling"):
                    for n in (100, 1000):
                        ingest_times[n], _ = pair(runs, parse(n))
                    for small, large in ((100, 1000), (1000, 10000)):
                        res.add("ingest-scaling", f"{large:,} records vs {small:,}", ingest_times[large],
                                f"same on {small:,} records", ingest_times[small], "<= 12", le(12), cpu=True)
                if want("memory"):
                    ratio = fx.peak_rss / pe.peak_rss
                    res.add("memory", f"peak RSS KiB, ingest of {size_mb:.1f} MB", fx,
                            f"cmark ({pe.peak_rss} KiB)", pe, "<= 1.5", le(1.5), ratio=ratio,
                            note="ratio = peak RSS fixlog / cmark")

        guarded(res, 'ingest, ingest-scaling, memory', block0)

        # dockerfile: the shared corpus, in one process each
        def block1():
            if want("dockerfile"):
                corpus = os.path.join(os.path.abspath(args.corpus), "dockerfiles")
                if not os.path.isdir(corpus):
                    res.skip("dockerfile", "231 corpus files", "dockerfile-parse", "<= 0.1",
                             f"corpus not found at {corpus} (set FIXLOG_CORPUS)")
                elif not os.access(vpy, os.X_OK):
                    res.skip("dockerfile", "231 corpus files", "dockerfile-parse", "<= 0.1", f"no venv at {args.venv}")
                else:
                    skip = {"MANIFEST.tsv", "NOTICE.txt"}
                    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs
                                   if f not in skip and "LICENSES" not in d and not f.startswith("LICENSE"))
                    inproc = lambda cmd: (lambda: (lambda o: (o[0]["seconds"], o[1]))(run_json(cmd)))
                    fx, pe = pair(runs, inproc([tool, "dockerfiles"] + files),
                                  inproc([vpy, os.path.join(HERE, "dockerfile_parse_bench.py")] + files))
                    res.add("dockerfile", f"{len(files)} corpus files, in-process", fx, "dockerfile-parse (Python)", pe,
                            "<= 0.1", le(0.1))
                    gen = lambda n: os.path.join(work, "dockerfiles", f"{n}.Dockerfile")
                    fx, pe = pair(runs, inproc([tool, "dockerfiles"] + [gen(5000)] * 10),
                                  inproc([vpy, os.path.join(HERE, "dockerfile_parse_bench.py")] + [gen(5000)] * 10))
                    res.add("dockerfile", "5,000 instructions ×10, in-process", fx, "dockerfile-parse (Python)", pe,
                            "<= 0.1", le(0.1))
                    small, _ = pair(runs, inproc([tool, "dockerfiles"] + [gen(500)] * 10))
                    res.add("dockerfile-scale", "5,000 instructions vs 500 (×10)", fx, "same on 500", small, "<= 12", le(12))

        guarded(res, 'dockerfile: the shared corpus, in one process each', block1)

        # check
        def block2():
            if want("check"):
                check = lambda n: (lambda: run_once([fixlog, "check", "DOCKERFILE_FIXES.md"], cwd=logs[n], ok=(0, 1)))
                fx, _ = pair(runs, check(10000))
                res.add("check", "10,000 records, 5,000 instructions", fx, None, None, "< 1 s",
                        lambda r, s: s is not None and s < 1.0)
                small, _ = pair(runs, check(1000))
                res.add("check-scaling", "10,000 records vs 1,000", fx, "same on 1,000 records", small, "<= 12", le(12),
                        cpu=True)

        guarded(res, 'check', block2)

        # verify, verify-peer
        def block3():
            v200 = os.path.join(work, "verify", "200")
            if want("verify") or want("verify-peer"):
                verify = lambda: run_once([fixlog, "verify", "--allow-exec", "--jobs", "1", "--no-cache"], cwd=v200)
                loop = ("for i in $(seq 1 200); do bash --noprofile --norc -e -o pipefail scripts/$i.sh >/dev/null "
                        "|| exit 1; done")
                bash = lambda: run_once(["bash", "--noprofile", "--norc", "-c", loop], cwd=v200)
                if want("verify"):
                    fx, pe = pair(runs, verify, bash)
                    res.add("verify", "200 trivial steps, --jobs 1", fx, "bash, 200 scripts in turn", pe, "<= 1.2", le(1.2))
                if want("verify-peer"):
                    if os.access(cram, os.X_OK):
                        crm = lambda: run_once([cram, "-q", "cram"], cwd=v200)
                        fx, pe = pair(runs, verify, crm)
                        res.add("verify-peer", "200 trivial steps, --jobs 1", fx, "cram, 200 tests", pe, "< 1", le(0.999))
                    else:
                        res.skip("verify-peer", "200 trivial steps", "cram", "< 1", f"cram not installed in {args.venv}")

        guarded(res, 'verify, verify-peer', block3)

        # verify-cached
        def block4():
            if want("verify-cached"):
                v1000 = os.path.join(work, "verify", "1000")
                cmd = [fixlog, "verify", "--allow-exec"]
                run_once(cmd, cwd=v1000)  # fills the cache: 1,000 passed steps
                fx, _ = pair(runs, lambda: run_once(cmd, cwd=v1000))
                procs = count_processes(cmd, v1000, work)
                res.add("verify-cached", f"1,000 passed unchanged steps; processes: {procs if procs is not None else '?'}",
                        fx, None, None, "< 0.2 s", lambda r, s: s is not None and s < 0.2 and procs == 0,
                        note=None if procs is not None else "strace missing: processes not counted")

        guarded(res, 'verify-cached', block4)

        # regenerate
        def block5():
            if want("regenerate"):
                if has_command(fixlog, "regenerate"):
                    out = os.path.join(work, "regenerated.md")
                    regen = lambda: run_once([fixlog, "regenerate", "DOCKERFILE_FIXES.md", "--output", out],
                                             cwd=logs[10000], ok=(0, 1))
                    fx, _ = pair(runs, regen)
                    res.add("regenerate", "10,000 records", fx, None, None, "< 1 s", lambda r, s: s is not None and s < 1.0)
                else:
                    res.skip("regenerate", "10,000 records", None, "< 1 s", "command not available: fixlog regenerate")

        guarded(res, 'regenerate', block5)

        # site
        def block6():
            if want("site"):
                if not has_command(fixlog, "site"):
                    res.skip("site", "10,000 records", "hugo", "<= 1.0", "command not available: fixlog site")
                elif not shutil.which("hugo"):
                    res.skip("site", "10,000 records", "hugo", "<= 1.0", "hugo not installed")
                else:
                    site_out, hugo_out = os.path.join(work, "site-out"), os.path.join(work, "hugo-out")

                    def clean():
                        for d in (site_out, hugo_out, os.path.join(work, "hugo", "resources")):
                            shutil.rmtree(d, ignore_errors=True)
                    site = lambda: run_once([fixlog, "site", "DOCKERFILE_FIXES.md", "--out", site_out],
                                            cwd=logs[10000], ok=(0, 1))
                    hugo = lambda: run_once(["hugo", "--quiet", "-s", os.path.join(work, "hugo"), "-d", hugo_out])
                    fx, pe = pair(runs, site, hugo, before=clean)
                    res.add("site", "10,000 records", fx, "hugo (Markdown pages)", pe, "<= 1.0", le(1.0))


        guarded(res, 'site', block6)

        results = {"machine": m,
                   "benchmarks": [{k: v for k, v in r.items() if not k.startswith("_")} for r in res.rows]}
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
            f.write("\n")
        met = [r for r in res.rows if r["met"] is True]
        missed = [r["name"] for r in res.rows if r["met"] is False]
        skipped = [r["name"] for r in res.rows if r["met"] is None]
        print(f"\nbench: {len(met)} goals met, {len(missed)} missed{(' (' + ', '.join(missed) + ')') if missed else ''}, "
              f"{len(skipped)} skipped{(' (' + ', '.join(skipped) + ')') if skipped else ''}; wrote {os.path.relpath(args.out)}")
    finally:
        if args.keep:
            print(f"bench: workloads kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
