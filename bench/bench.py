"""The benchmark driver (bench/run.sh runs it after installing and building).

    python3 bench/bench.py [--rounds R] [--seconds S] [--workers W]

Starts its own nginx on loopback (two ports: one answers at once, one after
ngx.sleep(0.02)), then for R rounds runs every client once per latency, each in
a fresh process, rotating the order between rounds; takes the median of each
number over the rounds; runs the memory check and the `require "sakari"` timing;
writes bench/RESULTS.md and bench/results.png; stops nginx.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
NGINX_MODULES = "/usr/lib/nginx/modules"
LATENCIES = (0, 20)  # ms added by the server
IDEAL_X16_AT_20 = 16 / 0.020
MEMORY_UPDATES = 100_000
REQUIRE_SAMPLES = 60
LUA_ENV = {"LUA_PATH": "lua/?.lua;lua/?/init.lua;;", "LUA_CPATH": "build/lua5.4/?.so;;"}

# key, label, kind, concurrency, first N at 0 ms, first N at 20 ms. The first N
# come from rates seen on a 2-core machine; later rounds resize N from the time
# the previous round took, so that each measurement lasts about --seconds.
CLIENTS = [
    ("c_loop", "raw C loop (1 easy handle)", "c", 1, 60000, 120),
    ("c_multi16", "raw C multi x16", "c", 16, 100000, 2000),
    ("sakari", "sakari sequential", "lua:sakari", 1, 30000, 120),
    ("batch16", "sakari batch x16", "lua:batch", 16, 60000, 2000),
    ("batch64", "sakari batch x64", "lua:batch", 64, 60000, 8000),
    ("luasocket", "LuaSocket + cjson", "lua:luasocket", 1, 8000, 120),
    ("popen", "curl via io.popen", "lua:popen", 1, 300, 80),
    ("python", "Python requests.Session", "python", 1, 3000, 120),
]
LABEL = {c[0]: c[1] for c in CLIENTS}

# What the seed page of Sakari's docs ("update contact") sends and answers,
# kept compact in bench/ so the bench reads nothing outside the repository.
def seed_documents():
    def read(name):
        with open(os.path.join(ROOT, "bench", name), encoding="utf-8") as f:
            return f.read().strip()
    request, response = read("seed-request.json"), read("seed-answer.json")
    assert json.loads(response)["data"]["firstName"] == "Chris", "unexpected seed answer"
    return request, response


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """\
load_module {modules}/ndk_http_module.so;
load_module {modules}/ngx_http_lua_module.so;
worker_processes {workers};
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  init_by_lua_block {{
    local f = assert(io.open("{tmp}/contact.json", "rb"))
    CONTACT = f:read("*a")
    f:close()
  }}
{servers}
}}
"""

NGINX_SERVER = """\
  server {{
    listen 127.0.0.1:{port};
    location ~ ^/v1/accounts/[^/]+/contacts/[^/]+$ {{
      content_by_lua_block {{
        if ngx.req.get_method() ~= "PUT" then return ngx.exit(405) end
        ngx.req.read_body()
        {sleep}
        ngx.header.content_type = "application/json"
        ngx.header.content_length = #CONTACT
        ngx.print(CONTACT)
      }}
    }}
    location / {{ return 404; }}
  }}
"""


class Nginx:
    def __init__(self, tmp, workers):
        self.tmp = tmp
        self.ports = {lat: free_port() for lat in LATENCIES}
        servers = "".join(
            NGINX_SERVER.format(port=port, sleep=f"ngx.sleep({lat / 1000})" if lat else "")
            for lat, port in self.ports.items()
        )
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(modules=NGINX_MODULES, workers=workers, tmp=tmp, servers=servers))
        self.proc = subprocess.Popen(
            ["nginx", "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "error.log")],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "nginx.stderr"), "w"),
            start_new_session=True,
        )
        deadline = time.time() + 10
        while True:
            try:
                for lat in LATENCIES:
                    req = urllib.request.Request(self.base(lat) + "/v1/accounts/a/contacts/b", data=b"{}", method="PUT")
                    with urllib.request.urlopen(req, timeout=2) as r:
                        assert json.load(r)["success"] is True
                return
            except Exception as e:  # not up yet
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    with open(os.path.join(tmp, "nginx.stderr")) as f, open(os.path.join(tmp, "error.log")) as g:
                        sys.exit(f"bench: nginx did not start ({e}):\n{f.read()}{g.read()}")
                time.sleep(0.1)

    def base(self, lat):
        return f"http://127.0.0.1:{self.ports[lat]}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def client_command(kind, conc, base, n, tmp):
    if kind == "c":
        return [os.path.join(tmp, "raw_curl"), base + "/v1/accounts/bench-account/contacts/c1",
                os.path.join(tmp, "request.json"), str(n), str(conc)]
    if kind == "python":
        return ["/usr/bin/python3", os.path.join(BENCH, "py_client.py"), base, str(n)]
    mode = kind.split(":", 1)[1]
    return ["lua5.4", os.path.join(BENCH, "lua_client.lua"), mode, base, str(n), str(conc)]


def run_client(cmd, timeout=120):
    env = dict(os.environ, **LUA_ENV)
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        return {"failed": f"exit {p.returncode}: {p.stderr.strip()[-400:]}"}
    result = json.loads(lines[-1])
    if p.returncode != 0 and "errors" in result and not result["errors"]:
        result["errors"] = -1
    return result


def busy_jiffies():
    """CPU time (in clock ticks) the whole machine spent busy so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def own_cpu_seconds():
    """CPU seconds of this process and every process it started and reaped."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def require_split(samples=5):
    """Median CPU ms per module of `require "sakari"` (bench/require_split.lua), in load order."""
    env = dict(os.environ, **LUA_ENV)
    order, values = [], {}
    for _ in range(samples):
        out = subprocess.run(["lua5.4", os.path.join(BENCH, "require_split.lua")], cwd=ROOT, env=env,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            name, depth, inc, exc = line.split("\t")
            if name not in values:
                order.append((name, int(depth)))
                values[name] = ([], [])
            values[name][0].append(float(inc))
            values[name][1].append(float(exc))
    return [(name, depth, statistics.median(values[name][0]), statistics.median(values[name][1]))
            for name, depth in order]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def measure_require(samples):
    """Median wall time of a fresh `lua5.4 -e 'require "sakari"'` less an empty `lua5.4 -e ''`."""
    env = dict(os.environ, **LUA_ENV)

    def once(code):
        t0 = time.perf_counter()
        pid = os.posix_spawnp("lua5.4", ["lua5.4", "-e", code], env)
        _, status = os.waitpid(pid, 0)
        dt = time.perf_counter() - t0
        if status != 0:
            sys.exit(f"bench: lua5.4 -e {code!r} failed")
        return dt

    os.chdir(ROOT)
    once('require "sakari"')  # warm the page cache
    empty, loaded = [], []
    for _ in range(samples):
        empty.append(once(""))
        loaded.append(once('require "sakari"'))
    return statistics.median(empty) * 1000, statistics.median(loaded) * 1000


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return ""


def module_version():
    p = subprocess.run(["lua5.4", "-e", "io.write(require('sakari').VERSION)"], cwd=ROOT,
                       env=dict(os.environ, **LUA_ENV), capture_output=True, text=True)
    return p.stdout or "?"


def machine_facts():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def pkg(name):
        return sh(f"dpkg-query -W -f='${{Version}}' {name} 2>/dev/null") or "?"

    dirty = sh(f"git -C {ROOT} status --porcelain -- src lua CMakeLists.txt")
    rev = sh(f"git -C {ROOT} rev-parse --short HEAD") or "?"
    return [
        ("CPUs (nproc)", sh("nproc")),
        ("CPU model", cpu),
        ("OS", f"Debian {sh('cat /etc/debian_version')}, Linux {platform.release()}"),
        ("lua-sakari", f"{module_version()} at {rev}" + (" + uncommitted changes in src/ lua/" if dirty else "")),
        ("Lua", sh("lua5.4 -v")),
        ("libcurl", sh("curl-config --version")),
        ("lua-cjson", pkg("lua-cjson")),
        ("LuaSocket", pkg("lua-socket")),
        ("curl (popen)", sh("curl --version | head -n1").split(" (")[0]),
        ("Python / requests", f"{platform.python_version()} / {pkg('python3-requests')}"),
        ("nginx / lua module", f"{sh('nginx -v 2>&1').replace('nginx version: ', '')} / {pkg('libnginx-mod-http-lua')}"),
        ("gcc", sh("gcc -dumpfullversion")),
    ]


def fmt_rate(v):
    return "n/a" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def fmt(v, pattern):
    return "n/a" if v is None else pattern.format(v)


def verdict(ratio, op, limit):
    if ratio is None:
        return "n/a"
    ok = ratio >= limit if op == ">=" else ratio <= limit
    return "**met**" if ok else "**missed**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 5)))
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 2.5)),
                    help="target duration of one measurement")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 1)))
    ap.add_argument("--raw-curl", required=True, help="the built bench/raw_curl.c")
    ap.add_argument("--command", default="bash bench/run.sh")
    args = ap.parse_args()
    started = time.time()
    busy0, own0 = busy_jiffies(), own_cpu_seconds()

    global CONTACT_BYTES
    request_json, contact_json = seed_documents()
    CONTACT_BYTES = len(contact_json)
    tmp = tempfile.mkdtemp(prefix="sakari-bench-")
    for name, text in (("request.json", request_json), ("contact.json", contact_json)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
    shutil.copy(args.raw_curl, os.path.join(tmp, "raw_curl"))

    nginx = Nginx(tmp, args.workers)
    try:
        print(f"bench: nginx ({args.workers} worker(s)) on {nginx.base(0)} (0 ms) and {nginx.base(20)} (20 ms)",
              file=sys.stderr)
        sizes = {(c[0], lat): (c[4] if lat == 0 else c[5]) for c in CLIENTS for lat in LATENCIES}
        runs = {(c[0], lat): [] for c in CLIENTS for lat in LATENCIES}
        na = {}
        for r in range(args.rounds):
            order = CLIENTS[r % len(CLIENTS):] + CLIENTS[:r % len(CLIENTS)]
            for lat in LATENCIES:
                for key, label, kind, conc, _, _ in order:
                    if key in na:
                        continue
                    n = sizes[(key, lat)]
                    res = run_client(client_command(kind, conc, nginx.base(lat), n, tmp))
                    res["round"] = r
                    if "na" in res:
                        na[key] = res["na"]
                        print(f"bench: {label}: n/a ({res['na']})", file=sys.stderr)
                        continue
                    if "failed" in res:
                        print(f"bench: {label} at {lat} ms FAILED: {res['failed']}", file=sys.stderr)
                        runs[(key, lat)].append(res)
                        continue
                    runs[(key, lat)].append(res)
                    rate = res["requests"] / res["wall"]
                    print(f"bench: round {r + 1}/{args.rounds} {lat:2d} ms {label:28s} N={n:<7d} "
                          f"{rate:10,.1f} req/s  {1000 * res['cpu'] / res['requests']:.4f} ms CPU/req"
                          + (f"  ERRORS {res['errors']}" if res["errors"] else ""), file=sys.stderr)
                    scale = min(4.0, max(0.25, args.seconds / max(res["wall"], 1e-3)))
                    sizes[(key, lat)] = max(conc * 4, int(n * scale))

        print(f"bench: memory check, {MEMORY_UPDATES:,} updates at 0 ms", file=sys.stderr)
        memory = run_client(client_command("lua:memory", 16, nginx.base(0), MEMORY_UPDATES, tmp), timeout=300)
        print(f"bench: {memory}", file=sys.stderr)
    finally:
        nginx.stop()

    print(f"bench: require \"sakari\" time, {REQUIRE_SAMPLES} fresh processes each", file=sys.stderr)
    req_empty_ms, req_loaded_ms = measure_require(REQUIRE_SAMPLES)
    split = require_split()
    elapsed = time.time() - started
    others = max(0.0, (busy_jiffies() - busy0) / os.sysconf("SC_CLK_TCK") - (own_cpu_seconds() - own0)) / elapsed
    print(f"bench: lua5.4 -e '' {req_empty_ms:.2f} ms, with require \"sakari\" {req_loaded_ms:.2f} ms", file=sys.stderr)

    # Medians over the rounds.
    table = {}
    for (key, lat), results in runs.items():
        good = [x for x in results if "failed" not in x]
        if key in na or not good:
            table[(key, lat)] = None
            continue
        table[(key, lat)] = {
            "rate": median([x["requests"] / x["wall"] for x in good]),
            "cpu_ms": median([1000 * x["cpu"] / x["requests"] for x in good]),
            "rss_mb": median([x["peak_rss_kb"] / 1024 for x in good]),
            "errors": sum(x["errors"] for x in good) + (len(results) - len(good)),
            "rounds": [x["requests"] / x["wall"] for x in good],
            "n": good[-1]["requests"],
        }

    def get(key, lat, field):
        row = table.get((key, lat))
        return row[field] if row else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    def value(res, field):
        if field == "rate":
            return res["requests"] / res["wall"]
        return 1000 * res["cpu"] / res["requests"]

    def paired(key_a, key_b, field, lat=0):
        """Median over the rounds of A / B, each ratio from one round (both measured
        within seconds of each other), so that a load that drifts during the run cancels."""
        if key_a in na or key_b in na:
            return None
        a = {x["round"]: value(x, field) for x in runs[(key_a, lat)] if "failed" not in x}
        b = {x["round"]: value(x, field) for x in runs[(key_b, lat)] if "failed" not in x}
        return median([a[r] / b[r] for r in a if r in b and b[r]])

    mem_growth = None
    if "rss_end_kb" in memory and memory.get("rss_at_1000_kb"):
        mem_growth = (memory["rss_end_kb"] - memory["rss_at_1000_kb"]) / 1024
    require_ms = req_loaded_ms - req_empty_ms

    targets = [
        ("sequential module >= 0.80x the raw C loop (0 ms, req/s)",
         paired("sakari", "c_loop", "rate"), ">=", 0.80, "x"),
        ("batched x16 at 20 ms >= 0.90x the ideal 16/0.020 s = 800 req/s",
         ratio(get("batch16", 20, "rate"), IDEAL_X16_AT_20), ">=", 0.90, "x"),
        ("batched x16 at 0 ms >= 0.70x the C multi x16 loop (req/s)",
         paired("batch16", "c_multi16", "rate"), ">=", 0.70, "x"),
        ("client CPU per request <= 2x raw C: sequential module / raw C loop (0 ms)",
         paired("sakari", "c_loop", "cpu"), "<=", 2.0, "x"),
        ("client CPU per request <= 2x raw C: batched x16 / C multi x16 (0 ms)",
         paired("batch16", "c_multi16", "cpu"), "<=", 2.0, "x"),
        (f"peak RSS flat over {MEMORY_UPDATES:,} updates: growth after the first 1,000 < 2 MB",
         mem_growth, "<=", 2.0, " MB"),
        ('require "sakari" under 10 ms (median, less an empty lua5.4 -e \'\')', require_ms, "<=", 10.0, " ms"),
    ]

    write_results(args, table, na, targets, memory, mem_growth, req_empty_ms, req_loaded_ms,
                  elapsed, others, split)
    plot(table, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"bench: wrote bench/RESULTS.md and bench/results.png in {time.time() - started:.0f} s", file=sys.stderr)


def write_results(args, table, na, targets, memory, mem_growth, req_empty_ms, req_loaded_ms, elapsed, others, split):
    out = []
    w = out.append
    w("# lua-sakari benchmark results\n")
    w(f"Written by `{args.command}` on {time.strftime('%Y-%m-%d %H:%M %Z')} in {elapsed:.0f} s "
      f"({args.rounds} rounds, each number the median over the rounds). See README.md in this folder "
      "for what each row is. The server is nginx + lua on loopback with "
      f"{args.workers} worker{'s' if args.workers > 1 else ''}, answering the seed's contact (as compact JSON, {CONTACT_BYTES} bytes) "
      "to the seed's PUT; \"20 ms\" rows are served after `ngx.sleep(0.02)`. "
      f"Processes other than the bench's used {others:.2f} of the {os.cpu_count()} cores on average "
      "during the run" + (" (the numbers are noisier than on an idle machine)" if others > 0.1 else "") + ".\n")
    w("| client | latency | req/s | client CPU ms/req | peak RSS MB | ratio to raw C loop |")
    w("|---|---|---:|---:|---:|---:|")
    for lat in LATENCIES:
        base = table.get(("c_loop", lat))
        for key, label, *_ in CLIENTS:
            row = table.get((key, lat))
            if row is None:
                w(f"| {label} | {lat} ms | n/a | n/a | n/a | n/a |")
                continue
            rat = row["rate"] / base["rate"] if base else None
            err = f" ({row['errors']} errors)" if row["errors"] else ""
            w(f"| {label} | {lat} ms | {fmt_rate(row['rate'])}{err} | {row['cpu_ms']:.3f} | "
              f"{row['rss_mb']:.1f} | {fmt(rat, '{:.2f}x')} |")
    if na:
        w("")
        for key, why in na.items():
            w(f"{LABEL[key]}: n/a, {why}.")
    w("\n## Targets\n")
    w("A ratio of two clients is the median over the rounds of that round's ratio (the two ran "
      "seconds apart), so it can differ a little from the ratio of the medians above.\n")
    w("| target | this run | verdict |")
    w("|---|---:|---|")
    for name, value, op, limit, unit in targets:
        shown = "n/a" if value is None else (f"{value:.2f}{unit}")
        w(f"| {name} | {shown} | {verdict(value, op, limit)} |")
    w("")
    how = memory.get("how", "?")
    if "rss_end_kb" in memory:
        w(f"Memory check: {memory['requests']:,} updates at 0 ms, {how}, {memory['errors']} errors, "
          f"{memory['requests'] / memory['wall']:,.0f} req/s: VmRSS {memory['rss_at_1000_kb'] / 1024:.1f} MB after "
          f"the first 1,000, {memory['rss_end_kb'] / 1024:.1f} MB at the end (growth {mem_growth:+.2f} MB), "
          f"peak (VmHWM) {memory['peak_rss_kb'] / 1024:.1f} MB.")
        if "sequential" in how:
            w("It ran sequential updates because `client.batch` does not exist yet; rerun for the batched figure.")
    else:
        w(f"Memory check failed: {memory}")
    w(f"\n`require \"sakari\"`: median {req_loaded_ms:.2f} ms for `lua5.4 -e 'require \"sakari\"'`, "
      f"{req_empty_ms:.2f} ms for `lua5.4 -e ''`, over {REQUIRE_SAMPLES} fresh processes each: "
      f"{req_loaded_ms - req_empty_ms:.2f} ms for the require. Where it goes (CPU ms, median of "
      "5 processes, `require_split.lua`; the first line is loading core.so and the libraries it "
      "links, before any module runs):\n")
    w("| module | inclusive ms | exclusive ms |")
    w("|---|---:|---:|")
    for name, depth, inc, exc in split:
        w(f"| {'· ' * max(0, depth - 1)}{name} | {inc:.2f} | {exc:.2f} |")
    w("")
    w("## Anchors measured earlier on this 2-core machine (for the record)\n")
    w("| client | earlier | this run |")
    w("|---|---:|---:|")
    for label, earlier, key, lat in [
        ("raw C loop, 0 ms", "12,953", "c_loop", 0), ("C multi x16, 0 ms", "27,248", "c_multi16", 0),
        ("LuaSocket, 0 ms", "4,283", "luasocket", 0), ("Python requests, 0 ms", "867", "python", 0),
        ("curl via popen, 0 ms", "88", "popen", 0), ("a sequential client, 20 ms", "~49", "c_loop", 20),
        ("C multi x16, 20 ms (ideal 800)", "772", "c_multi16", 20),
    ]:
        w(f"| {label} | {earlier} | {fmt_rate(get_rate(table, key, lat))} |")
    w("\n## Each round (req/s)\n")
    w("| client | latency | N (last round) | rounds |")
    w("|---|---|---:|---|")
    for lat in LATENCIES:
        for key, label, *_ in CLIENTS:
            row = table.get((key, lat))
            if row:
                w(f"| {label} | {lat} ms | {row['n']:,} | {', '.join(fmt_rate(v) for v in row['rounds'])} |")
    w("\n## Machine\n")
    w("| | |")
    w("|---|---|")
    for k, v in machine_facts():
        w(f"| {k} | {v} |")
    w(f"\nCommand: `{args.command}` (from the repository root; as root on Debian 12). Chart: `results.png`.")
    with open(os.path.join(BENCH, "RESULTS.md"), "w") as f:
        f.write("\n".join(out) + "\n")


def get_rate(table, key, lat):
    row = table.get((key, lat))
    return row["rate"] if row else None


def plot(table, tmp):
    data = os.path.join(tmp, "results.dat")
    with open(data, "w") as f:
        f.write("# label\trate_0ms\trate_20ms\tgroup\ttext_0ms\ttext_20ms\ty_0ms\ty_20ms\n")
        for key, label, kind, *_ in CLIENTS:
            group = 1 if kind == "c" else 2 if key in ("sakari", "batch16", "batch64") else 3
            rates = [get_rate(table, key, lat) for lat in LATENCIES]
            cols = [label, *("NaN" if r is None else f"{r:.1f}" for r in rates), str(group),
                    *(fmt_rate(r) for r in rates), *("13" if r is None else f"{r * 1.25:.1f}" for r in rates)]
            f.write("\t".join(f'"{c}"' if i in (0, 4, 5) else c for i, c in enumerate(cols)) + "\n")
    out = os.path.join(BENCH, "results.png")
    subprocess.run(["gnuplot", "-e", f"datafile='{data}'; outfile='{out}'", os.path.join(BENCH, "plot.gp")],
                   check=True)


if __name__ == "__main__":
    main()
