#!/usr/bin/env python3
"""backlings benchmarks: each figure is a median with min and max, beside the command a user would
otherwise run, taken in the same run. Where both are measured several times they alternate round
by round (backlings first in one round, the plain command first in the next) and the ratio is the
median of the per-round ratios: on a shared machine, blocks timed one after the other drift.

Usage: python3 bench/bench.py [--only P1,P2,...] [--edits N] [--rounds N] [--submissions N] [--cold]
                              [--pair DIR]

  P1  save-to-verdict in watch mode (file write -> verdict drawn) vs `cargo test --no-fail-fast
      -p DAY`, per round on two warm copies of the course. `--no-fail-fast` because a verdict
      counts every test: plain `cargo test` stops at the first test binary that fails, and a
      day as shipped fails, so it would skip the rest of the work
  P2  file write -> run start in watch mode
  P3  `backlings grade` of every day vs `cargo test --workspace --no-run` + running the tests
  P4  (only with --cold or --only P4) `init --warm` to first verdict vs `cargo test --workspace
      --no-run`, and `cargo build --workspace` for scale; then a fresh course in watch mode: first
      frame to day 5's dependencies built in the background, vs building days 1-5 by hand
  P5  idle watch for 30 s: CPU time used and resident memory
  P6  a generated 300-day course: `list` and watch start-up (spawn -> first frame)
  P7  a fresh course: `init`, then `backlings` to day 1's verdict on screen, vs `cargo test
      --no-fail-fast -p day01_hello_tcp`, each round from an empty target directory
  P8  grading a class: `backlings grade` of N submissions in a row with one shared target
      directory, vs `cargo build --tests --workspace` + `cargo test --workspace` in one working
      copy that takes each submission's changed days (cargo rebuilds only those)
  P9  `backlings serve`: save to the new service listening, vs `cargo build -p DAY` + starting
      the binary; and a day's binary alone, start to listening (what a black-box test adds)

It builds the runner in release mode, writes courses with `backlings init` into a temp dir,
drives watch mode through a pseudo-terminal and serve mode as a child process, and reads their
times from BACKLINGS_TRACE. CARGO_TARGET_DIR picks where the runner builds; the courses ignore
it and build in their own `target/`, without RUST_BACKTRACE (a learner's default).
"""

import argparse
import contextlib
import json
import os
import pty
import random
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAYS = {"small": "day01_hello_tcp", "axum": "day05_axum", "sqlite+argon2": "day16_signup_login"}
FIRST_DAY = "day01_hello_tcp"
SERVED_DAY = "day05_axum"
DEFAULT_PHASES = "P1,P2,P3,P5,P6,P7,P8,P9"
ALL_PHASES = {f"P{n}" for n in range(1, 10)}


def now_us():
    return time.time_ns() // 1000


def note(text):
    print(text, file=sys.stderr, flush=True)


def course_env(**extra):
    """The environment of everything run inside a course: its own `target/`, no trace, and no
    RUST_BACKTRACE (a learner's default: a backtrace on every panicking test costs time)."""
    drop = ("CARGO_TARGET_DIR", "BACKLINGS_TRACE", "RUST_BACKTRACE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def run(cmd, cwd=None, env=None, check=True):
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env or course_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    if check and proc.returncode not in (0, 1, 101):
        sys.exit(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return time.perf_counter() - started, proc


def interleaved(rounds, first, second, start=0):
    """`first(n)` and `second(n)` for each round n, taking turns at going first."""
    a, b = [], []
    for n in range(start, start + rounds):
        if n % 2 == 0:
            a.append(first(n))
            b.append(second(n))
        else:
            b.append(second(n))
            a.append(first(n))
    return a, b


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def course_days(course):
    with open(os.path.join(course, "info.toml"), "rb") as f:
        return [e["name"] for e in tomllib.load(f)["exercises"]]


def init(binary, course, *flags):
    subprocess.run([binary, "init", course, *flags], env=course_env(), stdout=subprocess.DEVNULL,
                   check=True)


def replace_src(course, day, src):
    """Puts a copy of `src` in place of the day's `src/`, every file written now (cargo decides
    freshness by file times: a copy with old times could pass for the last build's sources)."""
    dest = os.path.join(course, "exercises", day, "src")
    shutil.rmtree(dest)
    shutil.copytree(src, dest, copy_function=shutil.copy)


class Row:
    """One line of the table. `ratios`: per-round ratios when both sides were measured round by
    round; otherwise the ratio is median over baseline median."""

    def __init__(self, name, values, target, base=None, command="", ratios=None):
        self.name, self.values, self.target = name, list(values), target
        self.base, self.command, self.ratios = (list(base) if base else None), command, ratios

    def ratio(self):
        if self.ratios:
            return statistics.median(self.ratios)
        if self.base and statistics.median(self.base) > 0:
            return statistics.median(self.values) / statistics.median(self.base)
        return None

    def lines(self):
        med, lo, hi = statistics.median(self.values), min(self.values), max(self.values)
        base = f"{statistics.median(self.base):9.3f}" if self.base else " " * 9
        ratio = self.ratio()
        ratio_text = f"{ratio:6.2f}" if ratio is not None else " " * 6
        n = f"{len(self.values):>3}"
        out = [f"{self.name:<66} {n} {med:8.3f} {lo:8.3f} {hi:8.3f} {base} {ratio_text}  {self.target}"]
        if self.command:
            base_range = ""
            if self.base and len(self.base) > 1:
                base_range = f" (min {min(self.base):.3f}, max {max(self.base):.3f})"
            out.append(f"{'':<4}baseline: {self.command}{base_range}")
        return out


def add(table, row):
    table.append(row)
    for line in row.lines():
        note("  " + line)


class Traced:
    """A backlings process writing BACKLINGS_TRACE to a file outside the course."""

    def new_trace(self):
        # Outside the course: watch mode sees every change in the course root.
        handle, self.trace = tempfile.mkstemp(prefix="backlings-trace-", suffix=".log")
        os.close(handle)

    def pump(self):
        pass

    def describe_failure(self):
        return ""

    def events(self):
        self.pump()
        try:
            with open(self.trace) as f:
                # A line being written right now may be cut short: skip it until it is whole.
                lines = [line.split(" ", 2) for line in f.read().splitlines()]
                return [fields for fields in lines if len(fields) >= 2 and fields[0].isdigit()]
        except FileNotFoundError:
            return []

    def find(self, kind, after_us, detail_prefix=""):
        for ts, event, *rest in self.events():
            detail = rest[0] if rest else ""
            if event == kind and int(ts) >= after_us and detail.startswith(detail_prefix):
                return int(ts)
        return None

    def wait_for(self, kind, after_us, timeout=300, detail_prefix=""):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.find(kind, after_us, detail_prefix)
            if found is not None:
                return found
            time.sleep(0.005)
        tail = "\n".join(" ".join(e) for e in self.events()[-8:])
        sys.exit(f"backlings never reported `{kind} {detail_prefix}` within {timeout} s; the trace "
                 f"ends with:\n{tail}{self.describe_failure()}")


class Watch(Traced):
    """`backlings` in watch mode on a pseudo-terminal, with a trace file."""

    def __init__(self, binary, course, extra_env=None, args=()):
        self.new_trace()
        env = dict(course_env(), BACKLINGS_TRACE=self.trace, TERM="xterm", **(extra_env or {}))
        self.spawned_us = now_us()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(course)
            os.execve(binary, [binary, "--color", "never", *args], env)

    def pump(self):
        # Read the screen away so the terminal never fills up and blocks watch mode.
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 65536):
                    break
            except OSError:
                break

    def drawn_after(self, after_us, timeout=300, day=""):
        verdict = self.wait_for("verdict", after_us, timeout, detail_prefix=day)
        return self.wait_for("drawn", verdict, timeout)

    def stop(self):
        try:
            os.write(self.fd, b"q")
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass
        os.close(self.fd)
        os.remove(self.trace)


class Serve(Traced):
    """`backlings serve DAY --port N` as a child process, its output in a log file."""

    def __init__(self, binary, course, day, port):
        self.new_trace()
        self.log = self.trace + ".out"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [binary, "--color", "never", "serve", day, "--port", str(port)], cwd=course,
                env=dict(course_env(), BACKLINGS_TRACE=self.trace), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT)

    def describe_failure(self):
        with open(self.log, errors="replace") as f:
            tail = f.read()[-3000:]
        state = "running" if self.proc.poll() is None else f"exited with {self.proc.returncode}"
        return f"\n`backlings serve` is {state}; its output ends with:\n{tail}"

    def pump(self):
        if self.proc.poll() is not None:
            sys.exit(f"`backlings serve` stopped early.{self.describe_failure()}")
        with open(self.log, errors="replace") as f:
            said = f.read()
        # The service crashed, or a save did not compile: no `serve-listening` is coming.
        if "── the service " in said or "save to try again" in said:
            sys.exit(f"`backlings serve` reports a failure.{self.describe_failure()}")

    def stop(self):
        # Ctrl-C: it stops the service it started, too.
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for path in (self.trace, self.log):
            os.remove(path)


class NotListening(Exception):
    pass


def start_to_listening(binary, cwd, port, timeout=30):
    """Starts a day's binary with PORT (as `backlings serve` and the black-box tests do) and
    returns how long it took to accept a connection; then stops it."""
    data = tempfile.mkdtemp(prefix="backlings-bench-data-")
    started = time.perf_counter()
    proc = subprocess.Popen([binary], cwd=cwd, env=course_env(PORT=str(port), DATA_DIR=data),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return time.perf_counter() - started
            except OSError:
                pass
            if proc.poll() is not None:
                raise NotListening(f"`{binary}` exited ({proc.returncode}) before it listened on {port}")
            if time.perf_counter() - started > timeout:
                raise NotListening(f"`{binary}` did not listen on {port} within {timeout} s")
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def scratch_dir():
    """A temporary directory others may enter: as root, backlings runs the PostgreSQL days'
    server as the user `postgres`, which must reach the courses inside."""
    with tempfile.TemporaryDirectory(prefix="backlings-bench-") as tmp:
        os.chmod(tmp, 0o755)
        yield tmp


def edit(path, n):
    with open(path, "a") as f:
        f.write(f"\n// bench edit {n}\n")


def lib_of(course, day):
    return os.path.join(course, "exercises", day, "src", "lib.rs")


def setup_pair(binary, root, table):
    """Two copies of the course, each warmed in its own target directory: `a` for backlings,
    `b` for the plain cargo commands. Warming `b` with the plain command gives a free row.
    Copies already in `root` (`--pair`) are reused: warming them again is quick."""
    a, b = os.path.join(root, "a"), os.path.join(root, "b")
    fresh = not os.path.isdir(a) and not os.path.isdir(b)
    for course in (a, b):
        if not os.path.isdir(course):
            init(binary, course)
    note("setup: `backlings warm` in one copy, `cargo test --workspace --no-run` in the other ...")
    warm, _ = run([binary, "warm"], cwd=a)
    raw, _ = run(["cargo", "test", "--workspace", "--no-run", "-q"], cwd=b)
    if fresh:
        add(table, Row("setup: `backlings warm`, every day from nothing", [warm], "for scale", [raw],
                       "`cargo test --workspace --no-run`"))
    return a, b


def p1_p2(binary, a, b, edits, table):
    watch = Watch(binary, a, args=["watch"])
    try:
        watch.wait_for("verdict", 0)
        for label, day in DAYS.items():
            note(f"P1/P2: {edits} edits of {day}, watch and cargo taking turns ...")
            lib_a, lib_b = lib_of(a, day), lib_of(b, day)
            original = open(lib_a).read()
            # Untimed: watch moves to the day (saving a day shows it), both copies build it once.
            t0 = now_us()
            edit(lib_a, 0)
            watch.drawn_after(t0, day=day)
            edit(lib_b, 0)
            run(["cargo", "test", "-q", "--no-fail-fast", "-p", day], cwd=b)

            def on_watch(n):
                t0 = now_us()
                edit(lib_a, n)
                drawn = watch.drawn_after(t0, day=day)
                started = watch.wait_for("run-start", t0)
                return (drawn - t0) / 1e6, (started - t0) / 1e6

            def on_cargo(n):
                edit(lib_b, n)
                return run(["cargo", "test", "-q", "--no-fail-fast", "-p", day], cwd=b)[0]

            timed, raw = interleaved(edits, on_watch, on_cargo, start=1)
            to_verdict = [v for v, _ in timed]
            to_start = [s for _, s in timed]
            t0 = now_us()
            for path in (lib_a, lib_b):
                with open(path, "w") as f:
                    f.write(original)
            watch.drawn_after(t0, day=day)
            add(table, Row(f"P1 save to verdict on screen, {label} ({day})", to_verdict,
                           "<= 1.05x", raw, f"`cargo test --no-fail-fast -p {day}`",
                           [v / r for v, r in zip(to_verdict, raw)]))
            add(table, Row(f"P2 file write to run start, {label}", to_start, "<= 0.060 s"))
    finally:
        watch.stop()


def p3(binary, course, table):
    target = os.path.join(course, "target")
    shutil.rmtree(target, ignore_errors=True)
    grade_target = os.path.join(course, "grade-target")
    grade, _ = run([binary, "grade", "--submission", course, "--target-dir", grade_target,
                    "--format", "json"], cwd=course)
    shutil.rmtree(grade_target, ignore_errors=True)
    build, _ = run(["cargo", "test", "--workspace", "--no-run", "-q"], cwd=course)
    tests, _ = run(["cargo", "test", "--workspace", "--no-fail-fast", "-q"], cwd=course)
    add(table, Row("P3 `grade` of all days, from nothing", [grade], "<= 1.2x", [build + tests],
                   "`cargo test --workspace --no-run` + `cargo test --workspace --no-fail-fast`"))


def p4(binary, table):
    with scratch_dir() as tmp:
        course = os.path.join(tmp, "c")
        note("P4: `init --warm`, then watch to the first verdict, from nothing ...")
        started = now_us()
        init(binary, course, "--warm")
        warmed = now_us()
        watch = Watch(binary, course)
        try:
            drawn = watch.drawn_after(0, timeout=1800)
        finally:
            watch.stop()
        cold, first_run = (drawn - started) / 1e6, (drawn - warmed) / 1e6
        # The same product by hand: every day's dependencies, dev-dependencies and test binaries.
        shutil.rmtree(os.path.join(course, "target"))
        note("P4: `cargo test --workspace --no-run` from nothing ...")
        tests, _ = run(["cargo", "test", "--workspace", "--no-run", "-q"], cwd=course)
        # Less than the warm-up builds (no dev-dependencies, no test binaries): shown for scale.
        shutil.rmtree(os.path.join(course, "target"))
        note("P4: `cargo build --workspace` from nothing ...")
        libs, _ = run(["cargo", "build", "--workspace", "-q"], cwd=course)
        add(table, Row("P4 `init --warm` to first verdict, from nothing", [cold], "<= 1.1x", [tests],
                       "`cargo test --workspace --no-run`"))
        add(table, Row("P4 the same, against libraries only", [cold], "for scale", [libs],
                       "`cargo build --workspace`"))
        add(table, Row("P4   of which watch start to first verdict, after `init --warm`", [first_run], ""))

        # The learner starts on day 1 of a fresh course: how soon is day 5 ready for them?
        days = course_days(course)
        upto = days[: days.index(SERVED_DAY) + 1]
        after = days[len(upto)] if len(upto) < len(days) else None
        fresh = os.path.join(tmp, "fresh")
        init(binary, fresh)
        note(f"P4: a fresh course in watch mode, until {SERVED_DAY} is warm ...")
        watch = Watch(binary, fresh)
        try:
            first = watch.wait_for("first-frame", 0)
            if after:
                # The warm-up goes day by day; the next day's start is the end of day 5's.
                ready = watch.wait_for("warm-start", first, timeout=1800, detail_prefix=after)
            else:
                fingerprints = os.path.join(fresh, "target", "debug", ".fingerprint")
                while not any(n.startswith(SERVED_DAY + "-") for n in os.listdir(fingerprints)):
                    time.sleep(0.05)
                ready = now_us()
        finally:
            watch.stop()
        shutil.rmtree(os.path.join(course, "target"))
        packages = [arg for day in upto for arg in ("-p", day)]
        by_hand, _ = run(["cargo", "test", "--no-run", "-q", *packages], cwd=course)
        add(table, Row(f"P4 fresh course in watch: first frame to {SERVED_DAY} warm", [(ready - first) / 1e6],
                       "for scale", [by_hand],
                       f"`cargo test --no-run -p {upto[0]} ... -p {upto[-1]}` from nothing"))


def p5(binary, course, table):
    watch = Watch(binary, course, args=["watch"])
    try:
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
    finally:
        watch.stop()
    add(table, Row("P5 idle watch 30 s: CPU (%)", [used / 30 * 100], "0 %"))
    add(table, Row("P5 idle watch: resident memory (MB)", [rss_mb], "< 8 MB"))


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
        add(table, Row("P6 300-day course: `list`", lists, "< 0.100 s"))
        starts = []
        for _ in range(5):
            watch = Watch(binary, course, args=["watch", "--no-warmup", "--manual"])
            try:
                first = watch.wait_for("first-frame", 0)
                starts.append((first - watch.spawned_us) / 1e6)
            finally:
                watch.stop()
        add(table, Row("P6 300-day course: watch start to first frame", starts, "< 0.100 s"))


def p7(binary, rounds, table):
    with scratch_dir() as tmp:
        plain = os.path.join(tmp, "plain")
        init(binary, plain)
        fresh = os.path.join(tmp, "fresh")
        inits = []

        def on_backlings(n):
            shutil.rmtree(fresh, ignore_errors=True)
            started = now_us()
            init(binary, fresh)
            inits.append((now_us() - started) / 1e6)
            watch = Watch(binary, fresh)
            try:
                return (watch.drawn_after(0, day=FIRST_DAY) - started) / 1e6
            finally:
                watch.stop()

        def on_cargo(n):
            shutil.rmtree(os.path.join(plain, "target"), ignore_errors=True)
            return run(["cargo", "test", "-q", "--no-fail-fast", "-p", FIRST_DAY], cwd=plain)[0]

        note(f"P7: {rounds} rounds of a fresh course to day 1's verdict, and of cargo from nothing ...")
        timed, raw = interleaved(rounds, on_backlings, on_cargo)
        add(table, Row("P7 fresh course: `init` + `backlings` to day 1's verdict", timed,
                       "<= 1.2x, < 5 s", raw, f"`cargo test --no-fail-fast -p {FIRST_DAY}`, empty target directory",
                       [t / r for t, r in zip(timed, raw)]))
        add(table, Row("P7 of which `init`", inits, ""))


def grade_timed(binary, submission, target):
    """Runs `backlings grade`; returns the seconds it took in all, writing the workspace,
    building and testing (from when its progress lines arrive on stderr), and the tests passed."""
    # The report goes to a file: a pipe nobody reads while stderr is followed would fill up.
    with tempfile.TemporaryFile("w+") as report:
        started = time.perf_counter()
        proc = subprocess.Popen([binary, "grade", "--submission", submission, "--target-dir", target,
                                 "--format", "json"], env=course_env(), stdout=report,
                                stderr=subprocess.PIPE, text=True)
        building = testing = None
        stderr = []
        for line in proc.stderr:
            stderr.append(line)
            if building is None and line.startswith("grading: building"):
                building = time.perf_counter()
            if testing is None and line.startswith("grading: testing"):
                testing = time.perf_counter()
        proc.wait()
        ended = time.perf_counter()
        report.seek(0)
        out = report.read()
    if proc.returncode not in (0, 1) or building is None:
        sys.exit(f"`backlings grade` failed ({proc.returncode}):\n{''.join(stderr)[-3000:]}")
    testing = testing or ended
    try:
        passed = sum(t.get("status") == "pass" for t in json.loads(out).get("tests", []))
    except ValueError:
        passed = None
    return ended - started, building - started, testing - building, ended - testing, passed


def p8(binary, count, table):
    with scratch_dir() as tmp:
        base = os.path.join(tmp, "base")
        init(binary, base)
        days = course_days(base)
        solved = [d for d in days if os.path.isdir(os.path.join(ROOT, "solutions", d, "src"))]
        # Learners at different stages: day k solved for every k <= stage, stages spread over
        # the course and shuffled, so consecutive submissions differ in several days.
        stages = [(i * len(solved)) // count + 1 for i in range(count)]
        random.Random(22).shuffle(stages)
        note(f"P8: writing {count} submissions at stages {stages} ...")
        submissions = []
        for i, stage in enumerate(stages):
            sub = os.path.join(tmp, f"sub{i:02}")
            shutil.copytree(base, sub)
            for day in solved[:stage]:
                replace_src(sub, day, os.path.join(ROOT, "solutions", day, "src"))
            submissions.append(sub)
        # The plain commands work in one copy that takes each submission's changed days in turn.
        work = os.path.join(tmp, "work")
        shutil.copytree(base, work)
        grade_target = os.path.join(tmp, "grade-target")
        parts, changed_counts = [], []

        def on_grade(i):
            total, prep, build, test, passed = grade_timed(binary, submissions[i], grade_target)
            note(f"  grade {i + 1}/{count} (stage {stages[i]}): {total:.1f} s "
                 f"(prepare {prep:.1f}, build {build:.1f}, tests {test:.1f}; {passed} tests passed)")
            parts.append((prep, build, test))
            return total

        def on_cargo(i):
            if i == 0:
                changed = days
            else:
                before, now = set(solved[: stages[i - 1]]), set(solved[: stages[i]])
                changed = [d for d in days if (d in before) != (d in now)]
            for day in changed:
                replace_src(work, day, os.path.join(submissions[i], "exercises", day, "src"))
            changed_counts.append(len(changed))
            # The whole workspace, not `-p` each changed day: cargo rebuilds only the changed
            # days either way, but a `-p` subset resolves the dependencies' features anew and
            # rebuilds some of them (axum, reqwest, ... for days 12-21), cargo's cost, not the
            # work's. Every day's tests run, as grade runs them.
            build, _ = run(["cargo", "build", "--tests", "--workspace", "-q"], cwd=work)
            tests, _ = run(["cargo", "test", "--workspace", "-q", "--no-fail-fast"], cwd=work)
            note(f"  cargo {i + 1}/{count}: {len(changed)} days changed: build {build:.1f} s, "
                 f"tests {tests:.1f} s")
            return build, tests

        graded, plain = interleaved(count, on_grade, on_cargo)
        raw = [b + t for b, t in plain]
        command = "`cargo build --tests --workspace` + `cargo test --workspace --no-fail-fast`"
        add(table, Row("P8 grade a class: the first submission, from nothing", graded[:1], "",
                       raw[:1], command))
        if count > 1:
            rest = slice(1, count)
            ratios = [g / r for g, r in zip(graded[rest], raw[rest])]
            command += (f" in one working copy taking each submission's changed days (median "
                        f"{statistics.median(changed_counts[rest]):.0f} of {len(days)})")
            add(table, Row(f"P8 grade a class: the other {count - 1}, shared target dir", graded[rest],
                           "<= 1.2x", raw[rest], command, ratios))
            add(table, Row("P8   of which grade's build (the other ones)", [p[1] for p in parts[rest]],
                           "", [b for b, _ in plain[rest]], "`cargo build --tests --workspace` (rebuilds the days changed)"))
            add(table, Row("P8   of which grade's tests (the other ones)", [p[2] for p in parts[rest]],
                           "", [t for _, t in plain[rest]], "`cargo test --workspace --no-fail-fast`"))
            add(table, Row("P8   of which writing the workspace (the other ones)",
                           [p[0] for p in parts[rest]], ""))


def has_serve(course, day):
    with open(os.path.join(course, "info.toml"), "rb") as f:
        entry = next(e for e in tomllib.load(f)["exercises"] if e["name"] == day)
    return "serve" in entry


def add_serve_entry(course, day, port):
    """A `serve` table for a day that has none yet, in this temporary course's info.toml only."""
    path = os.path.join(course, "info.toml")
    text = open(path).read()
    marker = f'name = "{day}"\n'
    if marker not in text:
        sys.exit(f"cannot find `{marker.strip()}` in {path}")
    with open(path, "w") as f:
        f.write(text.replace(marker, f"{marker}serve = {{ port = {port} }}\n", 1))


class Solved:
    """The day's solution in place of its `src/` in each course (a starter's service may panic
    before it listens), the starter back afterwards."""

    def __init__(self, courses, day):
        self.courses, self.day = courses, day

    def __enter__(self):
        self.saved = []
        for course in self.courses:
            saved = os.path.join(course, f".bench-saved-{self.day}")
            if os.path.isdir(saved):
                # Left by an interrupted run (with --pair): the starter is there.
                replace_src(course, self.day, saved)
                shutil.rmtree(saved)
            shutil.copytree(os.path.join(course, "exercises", self.day, "src"), saved)
            self.saved.append(saved)
            replace_src(course, self.day, os.path.join(ROOT, "solutions", self.day, "src"))
        return self

    def __exit__(self, *_):
        for course, saved in zip(self.courses, self.saved):
            replace_src(course, self.day, saved)
            shutil.rmtree(saved)


def p9(binary, a, b, edits, table):
    day = SERVED_DAY
    if not has_serve(a, day):
        note(f"P9: {day} has no `serve` entry in info.toml yet; adding one to the temporary course")
        add_serve_entry(a, day, 3005)
    with Solved([a, b], day):
        p9_serve(binary, a, b, day, edits, table)
    # A day's binary alone, start to accepting connections: what each black-box test adds.
    servers = [d for d in course_days(b) if os.path.isfile(os.path.join(b, "exercises", d, "src", "main.rs"))
               and os.path.isdir(os.path.join(ROOT, "solutions", d, "src"))]
    for server in servers:
        with Solved([b], server):
            _, proc = run(["cargo", "build", "-q", "-p", server], cwd=b, check=False)
            if proc.returncode != 0:
                note(f"P9: {server}'s solution does not build in the course copy; skipped")
                continue
            exe = os.path.join(b, "target", "debug", server)
            port = free_port()
            try:
                times = [start_to_listening(exe, os.path.join(b, "exercises", server), port)
                         for _ in range(max(edits, 5))]
            except NotListening as e:
                note(f"P9: {server} skipped: {e} (it may need more than PORT and DATA_DIR)")
                continue
            add(table, Row(f"P9 {server}'s binary alone: start to listening", times, "for scale"))


def p9_serve(binary, a, b, day, edits, table):
    port_a, port_b = free_port(), free_port()
    lib_a, lib_b = lib_of(a, day), lib_of(b, day)
    plain_binary = os.path.join(b, "target", "debug", day)
    day_dir_b = os.path.join(b, "exercises", day)
    note(f"P9: `backlings serve {day}` and cargo + start, {edits} edits each, taking turns ...")
    serve = Serve(binary, a, day, port_a)
    try:
        serve.wait_for("serve-listening", 0, timeout=1800, detail_prefix=day)
        # Untimed: the plain copy builds the day's binary once.
        run(["cargo", "build", "-q", "-p", day], cwd=b)
        start_to_listening(plain_binary, day_dir_b, port_b)
        builds, starts, debounced = [], [], []

        def on_serve(n):
            t0 = now_us()
            edit(lib_a, n)
            listening = serve.wait_for("serve-listening", t0, detail_prefix=day)
            debounced.append((serve.find("serve-build", t0, day) - t0) / 1e6)
            return (listening - t0) / 1e6

        def on_cargo(n):
            edit(lib_b, n)
            build, _ = run(["cargo", "build", "-q", "-p", day], cwd=b)
            start = start_to_listening(plain_binary, day_dir_b, port_b)
            builds.append(build)
            starts.append(start)
            return build + start

        served, raw = interleaved(edits, on_serve, on_cargo, start=1)
    finally:
        serve.stop()
    add(table, Row(f"P9 `serve`: save to listening again ({day})", served, "<= 1.10x", raw,
                   f"`cargo build -p {day}` + start the binary until it accepts a connection",
                   [s / r for s, r in zip(served, raw)]))
    add(table, Row("P9   of which serve's save to rebuild start", debounced, ""))
    add(table, Row("P9   of which the plain build", builds, "", command=f"`cargo build -p {day}`"))
    add(table, Row("P9   of which the plain start to listening", starts, ""))


def show(table):
    print(f"\n{'metric':<66} {'n':>3} {'median':>8} {'min':>8} {'max':>8} {'baseline':>9} {'ratio':>6}  target")
    for row in table:
        print("\n".join(row.lines()))
    print("\nratio: the median of the per-round ratios where both sides ran round by round, taking "
          "turns; else median over baseline median")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; load at the "
          f"end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; seconds unless noted")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=DEFAULT_PHASES, help=f"phases to run (default {DEFAULT_PHASES})")
    parser.add_argument("--edits", type=int, default=10, help="edits per day for P1, P2 and P9")
    parser.add_argument("--rounds", type=int, default=5, help="fresh-course rounds for P7")
    parser.add_argument("--submissions", type=int, default=30, help="submissions graded in P8")
    parser.add_argument("--cold", action="store_true", help="also run P4")
    parser.add_argument("--pair", metavar="DIR", help="keep the two warm course copies of P1-P3, P5 "
                        "and P9 in DIR and reuse them next time (when working on this script)")
    args = parser.parse_args()
    wanted = {p.strip().upper() for p in args.only.split(",") if p.strip()} | ({"P4"} if args.cold else set())
    if wanted - ALL_PHASES:
        parser.error(f"unknown phases: {', '.join(sorted(wanted - ALL_PHASES))}")
    if min(args.edits, args.rounds, args.submissions) < 1:
        parser.error("--edits, --rounds and --submissions must be at least 1")
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "backlings")
    table = []
    started = time.time()
    note(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with scratch_dir() as tmp:
        if wanted & {"P1", "P2", "P3", "P5", "P9"}:
            note("writing two copies of the course ...")
            if args.pair:
                os.makedirs(args.pair, exist_ok=True)
            a, b = setup_pair(binary, os.path.abspath(args.pair or tmp), table)
            if wanted & {"P1", "P2"}:
                p1_p2(binary, a, b, args.edits, table)
            if "P9" in wanted:
                p9(binary, a, b, args.edits, table)
            if "P5" in wanted:
                note("P5: idle watch for 30 s ...")
                p5(binary, a, table)
        if "P7" in wanted:
            p7(binary, args.rounds, table)
        if "P3" in wanted:
            note("P3: grading every day, then cargo test, both from nothing ...")
            p3(binary, a, table)
    if "P8" in wanted:
        p8(binary, args.submissions, table)
    if "P4" in wanted:
        p4(binary, table)
    if "P6" in wanted:
        note("P6: a 300-day course ...")
        p6(binary, table)
    note(f"done in {(time.time() - started) / 60:.1f} min")
    show(table)


if __name__ == "__main__":
    main()
