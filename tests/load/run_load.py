"""Load profiles against a running server (./scripts/bench.sh load starts it as deployed):

  (a) 200 users of every role, 3-10 s think time, logins included;
  (b) 50 users without think time;
  (c) 50 logins at the same moment;
  (d) 500-record batches (assign, release, claim, confirm, cancel) while (a) runs.

Prints per profile the requests per second, p50/p95/p99 per task, the errors, and the
server's memory (all its processes, peak of a sample a second); exits 1 on any error.

    python tests/load/run_load.py --url http://127.0.0.1:8069 --roles roles.json \
        --server-pid PID [--profiles abcd] [--seconds 120]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust import constant  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import locustfile  # noqa: E402

TARGET_P95 = 1.0  # seconds, profile (a)
TARGET_LOGIN = 15.0  # seconds, profile (c)
TARGET_BATCH = 3.0  # seconds, profile (d)
# (a) and (d): people arrive and log in two a second (200 in 100 s; logins of many at the same
# moment are profile (c)), then all 200 work for --seconds
RAMP = 2
RAMP_SECONDS = 100


def server_memory(pid):
    """RSS in MiB of the server and every process below it."""
    children = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except OSError:
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in pathlib.Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class MemoryWatch:
    def __init__(self, pid):
        self.pid, self.peak, self.greenlet = pid, 0.0, None

    def __enter__(self):
        def sample():
            while True:
                self.peak = max(self.peak, server_memory(self.pid))
                gevent.sleep(1)

        self.greenlet = gevent.spawn(sample) if self.pid else None
        return self

    def __exit__(self, *exc):
        if self.greenlet:
            self.greenlet.kill()


def run(url, classes, users, rate, seconds, during=None):
    env = Environment(user_classes=classes, host=url)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=rate)
    extra = gevent.spawn(during) if during else None
    gevent.sleep(seconds)
    if extra:
        extra.join()
    runner.quit()
    runner.greenlet.join()
    return env


def report(title, env, seconds, wanted_p95=None):
    """The table of one profile; returns its errors: failed requests and users that broke."""
    stats = env.stats
    print(f"\n== {title}")  # noqa: T201
    print(f"{'task':32} {'n':>7} {'err':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")  # noqa: T201
    worst = 0.0
    for (name, _method), entry in sorted(stats.entries.items()):
        p = entry.get_response_time_percentile
        row = (
            entry.num_requests,
            entry.num_failures,
            p(0.5),
            p(0.95),
            p(0.99),
            entry.max_response_time,
        )
        if not name.startswith("login"):
            worst = max(worst, p(0.95) / 1000)
        print(f"{name:32} {row[0]:7d} {row[1]:5d} " + " ".join(f"{v / 1000:7.2f}" for v in row[2:]))  # noqa: T201
    total = stats.total
    print(  # noqa: T201
        f"{'all':32} {total.num_requests:7d} {total.num_failures:5d} "
        f"{total.get_response_time_percentile(0.5) / 1000:7.2f} "
        f"{total.get_response_time_percentile(0.95) / 1000:7.2f} "
        f"{total.get_response_time_percentile(0.99) / 1000:7.2f} "
        f"{total.max_response_time / 1000:7.2f}   {total.num_requests / seconds:.1f} req/s"
    )
    for error in list(stats.errors.values())[:10]:
        print(f"   error x{error.occurrences}: {error.name}: {error.error}")  # noqa: T201
    # a task stopped by a failed call (RpcError) is that call's failure, counted above
    broken = [e for e in env.runner.exceptions.values() if "RpcError" not in e["traceback"]]
    crashed = sum(e["count"] for e in broken)
    for exception in broken[:5]:
        print(f"   user broke x{exception['count']}: {exception['msg']}")  # noqa: T201
    if wanted_p95 is not None:
        verdict = "ok" if worst < wanted_p95 else "OVER TARGET"
        print(f"   worst task p95 {worst:.2f} s (target < {wanted_p95} s): {verdict}")  # noqa: T201
    return total.num_failures + crashed


class Batch:
    """Profile (d): a manager and a salesperson move 500 records at once, timed."""

    def __init__(self, url, roles):
        self.url, self.roles = url, roles
        self.times, self.failure = [], None

    def session(self, login):
        http = requests.Session()
        answer = http.post(
            f"{self.url}/web/session/authenticate",
            json={
                "params": {
                    "db": self.roles["db"],
                    "login": login,
                    "password": self.roles["password"],
                }
            },
            timeout=60,
        )
        return http, answer.json()["result"]["uid"]

    def call(self, http, model, method, args, kwargs=None):
        answer = http.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": {"context": {"lang": "zh_CN"}, **(kwargs or {})},
                }
            },
            timeout=120,
        ).json()
        if "error" in answer:
            raise RuntimeError(f"{model}.{method}: {answer['error']['data']['message']}")
        return answer["result"]

    def timed(self, label, *call):
        start = time.perf_counter()
        self.call(*call)
        self.times.append((label, time.perf_counter() - start))

    def __call__(self):
        """Fills self.times, and self.failure with what stopped the batch."""
        try:
            self.run()
        except Exception as error:  # noqa: BLE001 - any of them is the bench's error to report
            self.failure = f"{type(error).__name__}: {error}"

    def run(self):
        gevent.sleep(RAMP_SECONDS + 20)  # (a) is running at full strength
        manager, _ = self.session(self.roles["manager"][0])
        # a salesperson of the manager's own team (the first team: its leader, its first member)
        seller, seller_id = self.session(self.roles["salesperson"][0])
        pool = self.call(
            manager,
            "res.partner",
            "search",
            [[("pool_state", "=", "pool"), ("is_customer", "=", True)]],
            {"limit": 500, "order": "id desc"},
        )
        if len(pool) < 500:
            raise RuntimeError(f"only {len(pool)} customers in the pool")
        self.timed(
            "assign 500 (manager)",
            manager,
            "res.partner",
            "action_pool_assign",
            [pool, seller_id, "压测：批量分配"],
        )
        self.timed(
            "release 500 (salesperson)",
            seller,
            "res.partner",
            "action_pool_release",
            [pool, "压测：批量放回"],
        )
        self.timed("claim 500 (salesperson)", seller, "res.partner", "action_pool_claim", [pool])
        self.call(seller, "res.partner", "action_pool_release", [pool, "压测：批量放回"])
        # a director confirms money on 500 installments that are due, then cancels it again
        director, _ = self.session(self.roles["director"][0])
        due = self.call(
            director,
            "wsv.receivable.installment",
            "search",
            [[("status", "in", locustfile.DUE), ("amount_open", ">=", 1)]],
            {"limit": 500},
        )
        if len(due) < 500:
            raise RuntimeError(f"only {len(due)} installments due")
        start = time.perf_counter()
        made = self.call(
            director,
            "wsv.collection",
            "create",
            [[{"installment_id": i, "amount": 1.0} for i in due]],
        )
        self.times.append(
            (f"confirm {len(made)} collections (director)", time.perf_counter() - start)
        )
        self.timed(
            f"cancel {len(made)} collections (director)",
            director,
            "wsv.collection",
            "action_cancel",
            [made],
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--roles", required=True, help="JSON from tests/load/prepare.py")
    parser.add_argument("--db", required=True)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--profiles", default="abcd")
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()
    roles = json.loads(pathlib.Path(args.roles).read_text())
    roles["db"] = args.db
    os.environ["WSV_LOAD_ROLES"] = json.dumps(roles)
    locustfile.ROLES.update(roles)
    everyone = [locustfile.Salesperson, locustfile.Manager, locustfile.Director, locustfile.Finance]
    errors = 0
    print(f"server: {args.url}, memory at rest {server_memory(args.server_pid):.0f} MiB")  # noqa: T201
    if "a" in args.profiles:
        with MemoryWatch(args.server_pid) as memory:
            env = run(args.url, everyone, 200, RAMP, RAMP_SECONDS + args.seconds)
        errors += report(
            "(a) 200 users, 3-10 s think time", env, RAMP_SECONDS + args.seconds, TARGET_P95
        )
        print(f"   server memory peak {memory.peak:.0f} MiB")  # noqa: T201
    if "b" in args.profiles:
        for cls in everyone:
            cls.wait_time = constant(0)
        with MemoryWatch(args.server_pid) as memory:
            env = run(args.url, everyone, 50, 50, args.seconds // 2)
        errors += report("(b) 50 users, no think time", env, args.seconds // 2)
        print(f"   server memory peak {memory.peak:.0f} MiB")  # noqa: T201
        for cls in everyone:
            cls.wait_time = locustfile.WebClient.wait_time
    if "c" in args.profiles:
        start = time.perf_counter()
        env = run(args.url, [locustfile.LoginOnly], 50, 50, 40)
        errors += report("(c) 50 logins at the same moment", env, 40)
        login = env.stats.entries.get(("login: form + post", "LOGIN"))
        slowest = login.max_response_time / 1000 if login else float("inf")
        verdict = "ok" if slowest < TARGET_LOGIN else "OVER TARGET"
        print(f"   slowest login {slowest:.2f} s (target < {TARGET_LOGIN} s): {verdict}")  # noqa: T201
        del start
    if "d" in args.profiles:
        batch = Batch(args.url, roles)
        with MemoryWatch(args.server_pid) as memory:
            env = run(args.url, everyone, 200, RAMP, RAMP_SECONDS + args.seconds, during=batch)
        errors += report(
            "(d) 500-record batches while (a) runs", env, RAMP_SECONDS + args.seconds, TARGET_P95
        )
        if batch.failure:
            errors += 1
            print(f"   batch stopped: {batch.failure}")  # noqa: T201
        for label, seconds in batch.times:
            verdict = "ok" if seconds < TARGET_BATCH else "OVER TARGET"
            print(f"   {label:40} {seconds:6.2f} s (target < {TARGET_BATCH} s): {verdict}")  # noqa: T201
        print(f"   server memory peak {memory.peak:.0f} MiB")  # noqa: T201
    print(f"\nerrors: {errors}")  # noqa: T201
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
