#!/usr/bin/env python3
"""backlings benchmarks: each figure is a median with min and max, each ratio taken in the same run.

Usage: python3 bench/bench.py [--only P1,P2,...] [--edits N] [--cold]

  P1  save-to-verdict in watch mode (file write -> verdict drawn) vs raw `cargo test -p DAY`
  P2  file write -> run start in watch mode
  P3  `backlings grade` of every day vs `cargo test --workspace --no-run` + running the tests
  P4  cold `init` (with warm-up) to first verdict vs one plain build of the dependency set:
      `cargo test --workspace --no-run` (what the warm-up builds), and `cargo build --workspace`
      for scale (only with --cold: it builds the whole course from nothing, three times)
  P5  idle watch for 30 s: CPU time used and resident memory
  P6  a generated 300-day course: `list` and watch start-up (spawn -> first frame)

It builds the runner in release mode, writes a course with `backlings init` into a temp dir,
and drives watch mode through a pseudo-terminal, reading the times from BACKLINGS_TRACE.
"""

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAYS = {"small": "day01_hello_tcp", "axum": "day05_axum", "sqlite+argon2": "day16_signup_login"}


def now_us():
    return time.time_ns() // 1000


def run(cmd, cwd=None, env=None, check=True):
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and proc.returncode not in (0, 1, 101):
        sys.exit(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return time.perf_counter() - started, proc


def stats(values):
    return statistics.median(values), min(values), max(values)


class Watch:
    """`backlings` in watch mode on a pseudo-terminal, with a trace file."""

    def __init__(self, binary, course, extra_env=None, args=()):
        # Outside the course: watch mode sees every change in the course root.
        handle, self.trace = tempfile.mkstemp(prefix="backlings-trace-", suffix=".log")
        os.close(handle)
        env = dict(os.environ, BACKLINGS_TRACE=self.trace, TERM="xterm", **(extra_env or {}))
        self.spawned_us = now_us()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(course)
            os.execve(binary, [binary, "--color", "never", *args], env)
        self.seen = 0

    def drain(self):
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 65536):
                    break
            except OSError:
                break

    def events(self):
        self.drain()
        try:
            with open(self.trace) as f:
                # A line being written right now may be cut short: skip it until it is whole.
                lines = [line.split(" ", 2) for line in f.read().splitlines()]
                return [fields for fields in lines if len(fields) >= 2 and fields[0].isdigit()]
        except FileNotFoundError:
            return []

    def wait_for(self, kind, after_us, timeout=300, detail_prefix=""):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for ts, event, *rest in self.events():
                detail = rest[0] if rest else ""
                if event == kind and int(ts) >= after_us and detail.startswith(detail_prefix):
                    return int(ts)
            time.sleep(0.005)
        tail = "\n".join(" ".join(e) for e in self.events()[-8:])
        sys.exit(f"watch mode never reported `{kind}` within {timeout} s; the trace ends with:\n{tail}")

    def drawn_after(self, after_us, timeout=300):
        verdict = self.wait_for("verdict", after_us, timeout)
        return self.wait_for("drawn", verdict, timeout)

    def stop(self):
        os.write(self.fd, b"q")
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.remove(self.trace)


def edit(path, n):
    with open(path, "a") as f:
        f.write(f"\n// bench edit {n}\n")


def p1_p2(binary, course, edits, table):
    watch = Watch(binary, course, args=["watch", "--no-warmup"])
    watch.wait_for("verdict", 0)
    for label, day in DAYS.items():
        print(f"P1/P2: {edits} edits of {day} ...", file=sys.stderr)
        lib = os.path.join(course, "exercises", day, "src", "lib.rs")
        original = open(lib).read()
        # Watch holds the course's lock, so `go` cannot switch days: saving a day shows it.
        edit(lib, 0)
        watch.drawn_after(now_us() - 1)
        to_verdict, to_start, raw = [], [], []
        for n in range(1, edits + 1):
            t0 = now_us()
            edit(lib, n)
            drawn = watch.drawn_after(t0)
            started = watch.wait_for("run-start", t0)
            to_verdict.append((drawn - t0) / 1e6)
            to_start.append((started - t0) / 1e6)
        watch.stop()
        for n in range(1, edits + 1):
            edit(lib, 1000 + n)
            elapsed, _ = run(["cargo", "test", "-q", "-p", day], cwd=course)
            raw.append(elapsed)
        open(lib, "w").write(original)
        w, r = statistics.median(to_verdict), statistics.median(raw)
        table.append((f"P1 save-to-verdict, {label} ({day})", stats(to_verdict), stats(raw), w / r, "<= 1.10x"))
        table.append((f"P2 file write to run start, {label}", stats(to_start), None, None, "<= 0.060 s"))
        watch = Watch(binary, course, args=["watch", "--no-warmup"])
        watch.wait_for("verdict", 0)
    watch.stop()


def p3(binary, course, table):
    target = os.path.join(course, "target")
    shutil.rmtree(target, ignore_errors=True)
    grade_target = os.path.join(course, "grade-target")
    grade, proc = run([binary, "grade", "--submission", course, "--target-dir", grade_target,
                       "--format", "json"], cwd=course)
    shutil.rmtree(grade_target, ignore_errors=True)
    build, _ = run(["cargo", "test", "--workspace", "--no-run", "-q"], cwd=course)
    tests, _ = run(["cargo", "test", "--workspace", "--no-fail-fast", "-q"], cwd=course)
    raw = build + tests
    table.append(("P3 grade all days (cold)", (grade, grade, grade), (raw, raw, raw), grade / raw, "<= 1.2x"))


def p4(binary, table):
    with tempfile.TemporaryDirectory() as tmp:
        course = os.path.join(tmp, "c")
        started = time.perf_counter()
        subprocess.run([binary, "init", "c"], cwd=tmp, stdout=subprocess.DEVNULL, check=True)
        watch = Watch(binary, course)
        watch.wait_for("verdict", 0, timeout=900)
        cold = time.perf_counter() - started
        watch.stop()
        # The same product by hand: every day's dependencies, dev-dependencies and test binaries.
        shutil.rmtree(os.path.join(course, "target"))
        tests, _ = run(["cargo", "test", "--workspace", "--no-run", "-q"], cwd=course)
        # Less than the warm-up builds (no dev-dependencies, no test binaries): shown for scale.
        shutil.rmtree(os.path.join(course, "target"))
        libs, _ = run(["cargo", "build", "--workspace", "-q"], cwd=course)
        table.append(("P4 cold init to first verdict, vs test --no-run", (cold,) * 3, (tests,) * 3,
                      cold / tests, "<= 1.1x"))
        table.append(("P4 cold init to first verdict, vs build (libs)", (cold,) * 3, (libs,) * 3,
                      cold / libs, "for scale"))


def p5(binary, course, table):
    watch = Watch(binary, course, args=["watch", "--no-warmup"])
    watch.wait_for("verdict", 0)
    time.sleep(1)
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu():
        fields = open(f"/proc/{watch.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    before = cpu()
    time.sleep(30)
    used = cpu() - before
    status = dict(line.split(":", 1) for line in open(f"/proc/{watch.pid}/status").read().splitlines())
    rss_mb = int(status["VmRSS"].split()[0]) / 1024
    watch.stop()
    table.append(("P5 idle watch 30 s: CPU", (used / 30 * 100,) * 3, None, None, "0 %"))
    table.append(("P5 idle watch: RSS (MB)", (rss_mb,) * 3, None, None, "< 8 MB"))


def p6(binary, table):
    with tempfile.TemporaryDirectory() as course:
        with open(os.path.join(course, "Cargo.toml"), "w") as f:
            f.write('[workspace]\nresolver = "3"\nmembers = ["exercises/*"]\n')
        with open(os.path.join(course, "info.toml"), "w") as f:
            f.write('format_version = 1\ntitle = "Scale"\n')
            for day in range(1, 301):
                name = f"day{day:03}_x"
                f.write(f'\n[[exercises]]\nname = "{name}"\nday = {day}\ntitle = "Day {day}"\nhints = ["h"]\n')
                src = os.path.join(course, "exercises", name, "src")
                os.makedirs(src)
                open(os.path.join(src, "lib.rs"), "w").write("pub fn f() {}\n")
                open(os.path.join(course, "exercises", name, "Cargo.toml"), "w").write(
                    f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2024"\n')
        lists = [run([binary, "list"], cwd=course)[0] for _ in range(10)]
        table.append(("P6 300 days: `list`", stats(lists), None, None, "< 0.100 s"))
        starts = []
        for _ in range(5):
            watch = Watch(binary, course, args=["watch", "--no-warmup", "--manual"])
            first = watch.wait_for("first-frame", 0)
            starts.append((first - watch.spawned_us) / 1e6)
            watch.stop()
        table.append(("P6 300 days: watch start-up", stats(starts), None, None, "< 0.100 s"))


def show(table):
    print(f"\n{'metric':<56} {'median':>8} {'min':>8} {'max':>8} {'baseline':>9} {'ratio':>6}  target")
    for name, (med, lo, hi), base, ratio, target in table:
        base_text = f"{base[0]:9.3f}" if base else f"{'':>9}"
        ratio_text = f"{ratio:6.2f}" if ratio else f"{'':>6}"
        print(f"{name:<56} {med:8.3f} {lo:8.3f} {hi:8.3f} {base_text} {ratio_text}  {target}")
    print(f"\nmachine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; seconds unless noted")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="P1,P2,P3,P5,P6")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--cold", action="store_true", help="also run P4")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) | ({"P4"} if args.cold else set())
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "backlings")
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        course = os.path.join(tmp, "course")
        if wanted & {"P1", "P2", "P3", "P5"}:
            print("writing a course and warming it up ...", file=sys.stderr)
            subprocess.run([binary, "init", course], stdout=subprocess.DEVNULL, check=True)
        if wanted & {"P1", "P2"}:
            p1_p2(binary, course, args.edits, table)
        if "P5" in wanted:
            print("P5: idle watch for 30 s ...", file=sys.stderr)
            p5(binary, course, table)
        if "P3" in wanted:
            print("P3: grading every day, then cargo test, both from nothing ...", file=sys.stderr)
            p3(binary, course, table)
    if "P4" in wanted:
        print("P4: init to first verdict, then a plain build, both from nothing ...", file=sys.stderr)
        p4(binary, table)
    if "P6" in wanted:
        print("P6: a 300-day course ...", file=sys.stderr)
        p6(binary, table)
    show(table)


if __name__ == "__main__":
    main()
