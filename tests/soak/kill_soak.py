#!/usr/bin/env python3
"""Kill soak of the run store (docs/reliability.md, "Kill soak").

SIGKILLs, at random moments, (a) a recording `dimerec train`, (b) a `dimerec sweep --jobs 2`
(the whole process group: the sweep and its trial processes) and (c) the workbench training
offscreen (`dimerec-workbench --config … --start`). The killed programs log each committed
write (DIMEREC_COMMIT_LOG, core/store/RunStore.cpp). After each kill it checks that

  * `PRAGMA integrity_check` of the database is ok (before any program reopens it);
  * every logged commit is in the database (the rows checked are counted; a kill whose log
    holds nothing checked is not counted);
  * after the crash recovery that the next open performs (`dimerec runs list`), every run that
    the killed programs left unfinished is `interrupted`;
  * (a) `dimerec train --resume last.pt` continues from the last checkpoint: its first stored
    step follows the checkpoint's step;
  * (b) the sweep restarted afterwards finishes every trial exactly once.

Restartable: the counts live in WORK/state.json; run it again with the same WORK to go on (a
round that the soak itself did not finish is discarded and its processes killed). Exit status
0 when every check passed. Only Python's standard library (Debian's python3).
"""

import argparse
import ctypes
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

KINDS = ("train", "sweep", "workbench")
# Small runs on the embedded dataset: many steps between checkpoints and commits.
MODEL_SETTINGS = {"dim": 16, "interests": 2, "diffusionSteps": 10}
TRAIN_SETTINGS = {"batchSize": 32, "maxSteps": 60, "evalEvery": 10, "patience": 0,
                  "threads": 1, "device": "cpu"}
EVAL_SETTINGS = {"topK": [10, 20]}
SWEEP_FILE = Path(__file__).with_name("soak-sweep.json")
# The kill comes after a random number of commits, up to about three quarters of what the
# kind's run writes (a train: ~22 commits, the sweep: ~60, the workbench's 400 steps: ~120).
KILL_AFTER_COMMITS = {"train": 16, "sweep": 45, "workbench": 30}
KILL_EXTRA_SECONDS = 0.5
START_TIMEOUT = 600.0  # seconds a program may take to its first commit on a loaded machine
RUN_TIMEOUT = 600.0    # seconds a resumed run or a restarted sweep may take


class SoakFailure(Exception):
    """A check that failed: something was lost, torn or left running."""


def log_lines(path):
    """The commit log's lines as (database, run, what, step)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        database, run, what, step = line.split("\t")
        out.append((database, int(run), what, int(step)))
    return out


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Orphans of a killed group (the trial processes of a sweep) become our children, so that
    we reap them even where PID 1 reaps nothing (a container without an init)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def reap_orphans():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def wait_until_group_gone(pgid, timeout=60.0):
    """Until no process of the group is left, zombies included: a killed trial process that
    its parent's init has not reaped yet still answers kill(pid, 0), so the store's crash
    recovery would rightly take its run for alive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reap_orphans()
        members = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            members += int(fields[2]) == pgid  # fields: state, ppid, pgrp, …
        if members == 0:
            return
        time.sleep(0.05)
    raise SoakFailure(f"processes of group {pgid} still there {timeout:.0f} s after SIGKILL")


def integrity(database):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def check_commits(lines):
    """Every logged commit is in its database; returns the number of rows checked."""
    checks = {
        "run": "SELECT count(*) FROM runs WHERE id = ?1 AND ?2 = 0",
        "steps": "SELECT count(*) FROM points p JOIN series s ON s.id = p.series_id "
                 "WHERE s.run_id = ?1 AND s.source = 'train' AND p.step = ?2",
        "checkpoint": "SELECT count(*) FROM checkpoints WHERE run_id = ?1 AND step = ?2",
        "evaluation": "SELECT count(*) FROM points p JOIN series s ON s.id = p.series_id "
                      "WHERE s.run_id = ?1 AND s.source = ?3 AND p.step = ?2",
    }
    checked = 0
    for database, run, what, step in lines:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            sql = checks.get(what, checks["evaluation"])
            found = db.execute(sql, (run, step, what) if "?3" in sql else (run, step)).fetchone()[0]
        if found == 0:
            raise SoakFailure(f"logged commit not in {database}: run {run} {what} step {step}")
        checked += 1
    return checked


def statuses(database, runs):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {run: db.execute("SELECT status FROM runs WHERE id = ?", (run,)).fetchone()[0]
                for run in runs}


class Soak:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.state_path = self.work / "state.json"
        self.random = random.Random()
        self.env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", QT_QPA_PLATFORM="offscreen",
                        DIMEREC_CACHE_DIR=str(self.work / "cache"),
                        HOME=str(self.work / "home"), XDG_DATA_HOME=str(self.work / "home"),
                        XDG_CONFIG_HOME=str(self.work / "home"))
        self.state = self.load_state()

    def load_state(self):
        if self.state_path.exists():
            state = json.loads(self.state_path.read_text())
            stale = state.get("inProgress")
            if stale:  # the soak itself was stopped during that round
                try:
                    os.killpg(stale["pgid"], signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                state["discarded"] += 1
                state["inProgress"] = None
            return state
        return {"round": 0, "counted": {k: 0 for k in KINDS}, "uncounted": {k: 0 for k in KINDS},
                "rowsChecked": {k: 0 for k in KINDS}, "interrupted": {k: 0 for k in KINDS},
                "resumed": 0, "sweepsRestarted": 0, "discarded": 0, "failures": [],
                "inProgress": None, "seconds": 0.0}

    def save_state(self):
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state, indent=1))
        temporary.replace(self.state_path)

    def run(self, command, log=None, cwd=None, timeout=RUN_TIMEOUT):
        env = dict(self.env)
        if log is not None:
            env["DIMEREC_COMMIT_LOG"] = str(log)
        return subprocess.run(command, env=env, cwd=cwd, timeout=timeout, capture_output=True,
                              text=True)

    def start(self, command, log, folder):
        env = dict(self.env, DIMEREC_COMMIT_LOG=str(log))
        output = open(folder / "killed-output.txt", "w")
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        output.close()
        return process

    def kill_at_random(self, process, log, kind):
        """Waits for the k-th commit (k uniform in 1 … KILL_AFTER_COMMITS[kind]), then a
        uniform 0 … KILL_EXTRA_SECONDS more, and kills the group: the moment follows the
        program's progress whatever the machine's speed, and lands as often inside a
        transaction, an evaluation or a checkpoint write as between them. Returns False when
        the program ended by itself first."""
        commits = self.random.randint(1, KILL_AFTER_COMMITS[kind])
        extra = self.random.uniform(0.0, KILL_EXTRA_SECONDS)
        started = time.monotonic()
        while len(log_lines(log)) < commits:
            if process.poll() is not None:
                return False
            if time.monotonic() - started > START_TIMEOUT:
                break
            time.sleep(0.01)
        deadline = time.monotonic() + extra
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.005)
        if process.poll() is not None:
            return False
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        wait_until_group_gone(process.pid)
        return True

    def recover(self, database):
        """The next open's crash recovery, as a user's next command would do it."""
        result = self.run([self.args.dimerec, "runs", "list", "--db", str(database), "--csv",
                           "--limit", "1"])
        if result.returncode != 0:
            raise SoakFailure(f"reopening {database} failed: {result.stderr.strip()}")

    def check_kill(self, database, log):
        """Integrity, logged commits, interrupted runs; returns (rows checked, runs
        interrupted)."""
        if not log_lines(log) and not database.exists():
            return 0, 0  # killed before its first commit: nothing to check, not counted
        verdict = integrity(database)
        if verdict != "ok":
            raise SoakFailure(f"integrity_check of {database}: {verdict}")
        lines = log_lines(log)
        checked = check_commits(lines)
        self.recover(database)
        runs = sorted({run for _, run, what, _ in lines if what == "run"})
        interrupted = 0
        for run, status in statuses(database, runs).items():
            if status == "interrupted":
                interrupted += 1
            elif status != "finished":
                raise SoakFailure(f"run {run} of {database} is '{status}' after the kill")
        return checked, interrupted

    # (a) a recording `dimerec train`, then a resume from its last checkpoint.
    def train_round(self, folder):
        database = self.work / "train" / "runs.sqlite"
        checkpoints = folder / "checkpoints"
        log = folder / "commits.log"
        sets = [f"model.{k}={v}" for k, v in MODEL_SETTINGS.items()]
        sets += [f"train.{k}={v}" for k, v in TRAIN_SETTINGS.items()]
        sets += ["eval.topK=[10,20]", "name=soak"]
        command = [self.args.dimerec, "train", "--db", str(database), "--study", "soak",
                   "--checkpoint-dir", str(checkpoints)]
        for assignment in sets:
            command += ["--set", assignment]
        process = self.start(command, log, folder)
        self.state["inProgress"]["pgid"] = process.pid
        self.save_state()
        killed = self.kill_at_random(process, log, "train")
        checked, interrupted = self.check_kill(database, log)
        resumed = False
        killed_runs = [run for _, run, what, _ in log_lines(log) if what == "run"]
        last = checkpoints / "last.pt"
        if killed and interrupted and last.exists() and self.deep("train"):
            resumed = self.check_resume(database, killed_runs[0], last, folder)
        return killed, checked, interrupted, resumed

    def check_resume(self, database, killed_run, last, folder):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            row = db.execute("SELECT max(step) FROM checkpoints WHERE run_id = ? AND best = 0",
                             (killed_run,)).fetchone()
        if row[0] is None:
            return False  # killed between writing last.pt and recording it: nothing to compare
        logged_step = row[0]
        log = folder / "resume-commits.log"
        result = self.run([self.args.dimerec, "train", "--db", str(database), "--study",
                           "soak-resumed", "--resume", str(last)], log=log)
        if result.returncode != 0:
            raise SoakFailure(f"resuming {last} failed: {result.stderr.strip()[-500:]}")
        resumed_run = next(run for _, run, what, _ in log_lines(log) if what == "run")
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            first = db.execute("SELECT min(p.step) FROM points p JOIN series s ON s.id = "
                               "p.series_id WHERE s.run_id = ? AND s.source = 'train'",
                               (resumed_run,)).fetchone()[0]
            status = db.execute("SELECT status FROM runs WHERE id = ?",
                                (resumed_run,)).fetchone()[0]
        # The file may be one checkpoint ahead of the database (renamed, then recorded). A
        # checkpoint of the last step (the kill came while the run was finishing: testing,
        # storing its results) leaves nothing to train: the resumed run records no step.
        checkpoint_steps = {logged_step, logged_step + TRAIN_SETTINGS["evalEvery"]}
        expected = {step + 1 if step < TRAIN_SETTINGS["maxSteps"] else None
                    for step in checkpoint_steps}
        if first not in expected or status != "finished":
            raise SoakFailure(f"run {resumed_run} resumed from {last} (step {logged_step} "
                              f"recorded) starts at step {first}, status {status}")
        check_commits(log_lines(log))
        return True

    # (b) `dimerec sweep --jobs 2`, then the sweep restarted to its end.
    def sweep_round(self, folder):
        database = folder / "runs.sqlite"
        log = folder / "commits.log"
        command = [self.args.dimerec, "sweep", str(SWEEP_FILE), "--db", str(database),
                   "--jobs", "2"]
        process = self.start(command, log, folder)
        self.state["inProgress"]["pgid"] = process.pid
        self.save_state()
        killed = self.kill_at_random(process, log, "sweep")
        checked, interrupted = self.check_kill(database, log)
        if not self.deep("sweep"):
            return killed, checked, interrupted, False
        restart_log = folder / "restart-commits.log"
        result = self.run(command, log=restart_log, cwd=folder)
        if result.returncode != 0:
            raise SoakFailure(f"restarted sweep failed: {result.stderr.strip()[-500:]}")
        done = re.search(r"(\d+) of (\d+) trials finished", result.stdout + result.stderr)
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            finished = db.execute("SELECT name, count(*) FROM runs WHERE status = 'finished' "
                                  "GROUP BY name").fetchall()
        trials = int(done.group(2)) if done else -1
        if not done or done.group(1) != done.group(2) or len(finished) != trials or \
                any(count != 1 for _, count in finished):
            raise SoakFailure(f"restarted sweep in {folder}: {done and done.group(0)}, "
                              f"finished runs per trial {finished}")
        check_commits(log_lines(restart_log))
        return killed, checked, interrupted, True

    # (c) the workbench training offscreen.
    def workbench_round(self, folder):
        database = self.work / "workbench" / "runs.sqlite"
        log = folder / "commits.log"
        config = folder / "config.json"
        config.write_text(json.dumps({"name": "soak", "model": MODEL_SETTINGS,
                                      "train": dict(TRAIN_SETTINGS, maxSteps=400),
                                      "eval": EVAL_SETTINGS}))
        command = [self.args.workbench, "--store", str(database), "--config", str(config),
                   "--start"]
        process = self.start(command, log, folder)
        self.state["inProgress"]["pgid"] = process.pid
        self.save_state()
        killed = self.kill_at_random(process, log, "workbench")
        if not killed:
            raise SoakFailure(f"the workbench ended by itself: {folder}/killed-output.txt")
        checked, interrupted = self.check_kill(database, log)
        return killed, checked, interrupted, False

    def deep(self, kind):
        """Whether this round also resumes the run or restarts the sweep (the slow checks):
        every deep_every-th round of its kind."""
        rounds = self.state["counted"][kind] + self.state["uncounted"][kind]
        return rounds % self.args.deep_every == 0

    def round(self):
        number = self.state["round"]
        kinds = [k for k in KINDS if k in self.args.kinds]
        counted = self.state["counted"]
        # The kind furthest behind its share goes next, so that a restart keeps the balance.
        kind = min(kinds, key=lambda k: (counted[k] + self.state["uncounted"][k], KINDS.index(k)))
        folder = self.work / kind / "round"
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        folder.mkdir(parents=True)
        self.random.seed(f"{self.args.seed}-{number}")
        self.state["inProgress"] = {"round": number, "kind": kind, "pgid": 0}
        self.save_state()
        began = time.monotonic()
        try:
            killed, checked, interrupted, extra = getattr(self, f"{kind}_round")(folder)
        except (SoakFailure, sqlite3.Error, subprocess.TimeoutExpired, OSError) as failure:
            self.state["failures"].append(f"round {number} ({kind}): {failure}")
            killed, checked, interrupted, extra = False, 0, 0, False
            kept = self.work / "failures" / f"round-{number}-{kind}"
            kept.parent.mkdir(exist_ok=True)
            subprocess.run(["cp", "-a", str(folder), str(kept)], check=False)
            print(f"round {number} {kind}: FAILED: {failure}", flush=True)
        ok = killed and checked > 0 and interrupted > 0
        self.state["counted" if ok else "uncounted"][kind] += 1
        if ok:
            self.state["rowsChecked"][kind] += checked
            self.state["interrupted"][kind] += interrupted
            if kind == "train" and extra:
                self.state["resumed"] += 1
            if kind == "sweep" and extra:
                self.state["sweepsRestarted"] += 1
        self.state["round"] = number + 1
        self.state["seconds"] += time.monotonic() - began
        self.state["inProgress"] = None
        self.save_state()
        with open(self.work / "soak.log", "a") as out:
            out.write(f"{number}\t{kind}\tcounted={int(ok)}\trows={checked}\t"
                      f"interrupted={interrupted}\textra={int(bool(extra))}\n")

    def total(self):
        return sum(self.state["counted"].values())

    def report(self):
        s = self.state
        print(f"kills counted: {s['counted']} (total {self.total()}); not counted "
              f"(ended first or nothing committed): {s['uncounted']}; rounds discarded: "
              f"{s['discarded']}")
        print(f"rows checked: {s['rowsChecked']}; runs found interrupted: {s['interrupted']}; "
              f"resumes checked: {s['resumed']}; sweeps restarted to their end: "
              f"{s['sweepsRestarted']}; {s['seconds']:.0f} s")
        print(f"failures: {len(s['failures'])}")
        for failure in s["failures"]:
            print(f"  {failure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dimerec", required=True, help="the dimerec program")
    parser.add_argument("--workbench", help="the dimerec-workbench program (kind workbench)")
    parser.add_argument("--work", required=True, help="folder for databases and the state")
    parser.add_argument("--kills", type=int, required=True, help="counted kills to reach")
    parser.add_argument("--kinds", default="train,sweep,workbench",
                        help="comma-separated: train, sweep, workbench")
    parser.add_argument("--seed", default="1", help="seed of the random kill moments")
    parser.add_argument("--fresh", action="store_true", help="start over: remove WORK first")
    parser.add_argument("--deadline", type=float, default=0,
                        help="stop starting rounds after this many seconds (0 = none)")
    parser.add_argument("--deep-every", type=int, default=1,
                        help="resume the killed train / restart the killed sweep every Nth "
                             "round only (the other checks run after every kill)")
    args = parser.parse_args()
    args.kinds = args.kinds.split(",")
    args.dimerec = str(Path(args.dimerec).resolve())
    if args.workbench:
        args.workbench = str(Path(args.workbench).resolve())
    if "workbench" in args.kinds and not args.workbench:
        parser.error("kind workbench needs --workbench")
    if args.fresh:
        subprocess.run(["rm", "-rf", args.work], check=True)
    become_subreaper()
    soak = Soak(args)
    began = time.monotonic()
    while soak.total() < args.kills and not soak.state["failures"]:
        if args.deadline and time.monotonic() - began > args.deadline:
            break
        soak.round()
    soak.report()
    return 1 if soak.state["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
