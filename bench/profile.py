"""Where the sequential update spends its instructions (valgrind --tool=callgrind).

    bash bench/run.sh profile          (or, once run.sh has installed and built:
    python3 bench/profile.py --raw-curl PATH)

Starts the bench's nginx (1 worker, no added latency) and runs, each under
callgrind with N = 1 and N = 1 + K requests, the layers of bench/profile_layers.lua
and the raw C loop; (Ir(1 + K) - Ir(1)) / K is the instruction count of one request
without start-up. For the whole-stack run it also splits the instructions by
shared object (exclusive) and by named function (inclusive), per request.
Writes bench/PROFILE.md. Callgrind counts user-space instructions only: the
kernel's share (sockets, poll) is not in these numbers.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

LAYERS = [
    ("c", "raw C loop (bench/raw_curl.c)"),
    ("session_raw", "core session:request, answer not decoded"),
    ("session", "core session:request, answer decoded"),
    ("update", "client.contacts.update (whole stack)"),
    ("update_nogc", "client.contacts.update, garbage collector stopped"),
    ("c_multi16", "raw C multi x16 (bench/raw_curl.c)"),
    ("batch16", "client.batch, concurrency 16"),
    ("encode", "core.encode(fields) alone"),
    ("decode", "core.decode(answer) alone"),
]


def callgrind(cmd, out):
    env = dict(os.environ, **bench.LUA_ENV)
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                       cwd=bench.ROOT, env=env, capture_output=True, text=True)
    m = re.search(r"I\s+refs:\s+([\d,]+)", p.stderr)
    if p.returncode != 0 or not m:
        sys.exit(f"profile: {' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def native(cmd, env):
    """Wall seconds and user, system CPU seconds of one run, not under valgrind."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=bench.ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"profile: {' '.join(cmd)} failed")
    return wall, ru.ru_utime, ru.ru_stime


def parse(path):
    """Exclusive Ir per (object, function), and the inclusive Ir of the calls
    between functions, {(caller, callee): Ir}, from a callgrind out file."""
    names = {"ob": {}, "fn": {}}
    cost, edges = collections.Counter(), collections.Counter()
    ob = fn = cob = cfn = None
    in_call = False

    def name(kind, value):
        table = names[kind]
        m = re.match(r"\((\d+)\)(?: (.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), value)

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                if in_call:  # the inclusive cost of the call just described
                    edges[((ob, fn), (cob or ob, cfn))] += int(parts[1])
                    in_call, cob = False, None
                else:
                    cost[(ob, fn)] += int(parts[1])
                continue
            key, _, value = line.partition("=")
            if key == "ob":
                ob = name("ob", value)
            elif key == "fn":
                fn = name("fn", value)
            elif key == "cob":
                cob = name("ob", value)
            elif key == "cfn":
                cfn = name("fn", value)
            elif key == "calls":
                in_call = True
    return cost, edges


def inclusive(cost, edges):
    """Self cost plus the calls to other functions (direct self-recursion not counted twice)."""
    total = collections.Counter(cost)
    for (caller, callee), v in edges.items():
        if caller != callee:
            total[caller] += v
    return total


NATIVE = 20000
SKIP_INCLUSIVE = {"lua_pcallk", "lua_pcall", "lua_callk", "lua_call", "main", "(below main)",
                  "__libc_start_main@@GLIBC_2.34", "__libc_start_call_main"}


def short_object(path):
    base = os.path.basename(path or "?")
    return re.sub(r"\.so[.\d]*$", ".so", base)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw-curl", required=True)
    ap.add_argument("-k", type=int, default=2000, help="requests per measured run")
    args = ap.parse_args()
    k = args.k

    request_json, contact_json = bench.seed_documents()
    tmp = tempfile.mkdtemp(prefix="sakari-profile-")
    for n_, text in (("request.json", request_json), ("contact.json", contact_json)):
        with open(os.path.join(tmp, n_), "w") as f:
            f.write(text)
    shutil.copy(args.raw_curl, os.path.join(tmp, "raw_curl"))
    nginx = bench.Nginx(tmp, 1)
    base = nginx.base(0)
    per_request, files, timing = {}, {}, {}
    env = dict(os.environ, **bench.LUA_ENV)

    def command(layer, n):
        if layer in ("c", "c_multi16"):
            return [os.path.join(tmp, "raw_curl"), base + "/v1/accounts/bench-account/contacts/c1",
                    os.path.join(tmp, "request.json"), str(n), "1" if layer == "c" else "16"]
        return ["lua5.4", "bench/profile_layers.lua", layer, base, str(n)]

    try:
        for layer, label in LAYERS:
            counts = []
            for n in (1, 1 + k):
                out = os.path.join(tmp, f"cg.{layer}.{n}")
                counts.append(callgrind(command(layer, n), out))
                files[(layer, n)] = out
            if layer not in ("encode", "decode"):  # native time per request, start-up subtracted
                runs = [(native(command(layer, 1), env), native(command(layer, 1 + NATIVE), env)) for _ in range(3)]
                one, many = min(runs, key=lambda r: r[1][0])
                timing[layer] = [(b - a) / NATIVE * 1e6 for a, b in zip(one, many)]
            per_request[layer] = (counts[1] - counts[0]) / k
            print(f"profile: {label}: {per_request[layer]:,.0f} instructions per request", file=sys.stderr)

        # Whole stack: exclusive by object and by function, inclusive by named function.
        (big, big_edges), (small, small_edges) = parse(files[("update", 1 + k)]), parse(files[("update", 1)])
        by_fn = collections.Counter({key: (big[key] - small.get(key, 0)) / k for key in big})
        by_obj = collections.Counter()
        for (ob, _), v in by_fn.items():
            by_obj[short_object(ob)] += v
        inc_big, inc_small = inclusive(big, big_edges), inclusive(small, small_edges)
        inc = {key: (v - inc_small.get(key, 0)) / k for key, v in inc_big.items()}
        c_by_obj = collections.Counter()
        (cb, cb_edges), (cs, cs_edges) = parse(files[("c", 1 + k)]), parse(files[("c", 1)])
        for key, v in cb.items():
            c_by_obj[short_object(key[0])] += (v - cs.get(key, 0)) / k
        c_inc_big, c_inc_small = inclusive(cb, cb_edges), inclusive(cs, cs_edges)
        c_inc = {(short_object(ob), fn): (v - c_inc_small.get((ob, fn), 0)) / k
                 for (ob, fn), v in c_inc_big.items()}
        env = dict(os.environ, **bench.LUA_ENV)
        luaprof = subprocess.run(["lua5.4", "bench/profile_layers.lua", "luaprof", base, str(k)],
                                 cwd=bench.ROOT, env=env, capture_output=True, text=True, check=True).stdout
    finally:
        nginx.stop()

    total = per_request["update"]
    lines = ["# Where the sequential update's instructions go\n",
             f"Written by `bash bench/run.sh profile`: callgrind, {k:,} requests after one untimed, "
             "against the bench's nginx at 0 ms; start-up subtracted. User-space instructions only "
             "(the kernel's socket work is not counted), so the ratios here are not the req/s ratios.\n",
             "## By layer (instructions per request)\n",
             "| layer | Ir per request | vs raw C (batch: vs C multi x16) |", "|---|---:|---:|"]
    for layer, label in LAYERS:
        ref = "c_multi16" if layer == "batch16" else "c"
        lines.append(f"| {label} | {per_request[layer]:,.0f} | {per_request[layer] / per_request[ref]:.2f}x |")
    lines += ["", f"Natively (not under valgrind; {NATIVE:,} requests, best wall time of 3 runs), "
              "microseconds per request:\n",
              "| layer | wall | user CPU | system CPU |", "|---|---:|---:|---:|"]
    for layer, label in LAYERS:
        if layer in timing:
            wall, user, system = timing[layer]
            lines.append(f"| {label} | {wall:.1f} | {user:.1f} | {system:.1f} |")
    lines += ["", "Differences: Lua layer (update - session) "
              f"{total - per_request['session']:,.0f}; decoding the answer (session - session_raw) "
              f"{per_request['session'] - per_request['session_raw']:,.0f}; the core's request "
              f"building and libcurl use beyond raw C (session_raw - raw C) "
              f"{per_request['session_raw'] - per_request['c']:,.0f}; the garbage collector's share "
              f"of the whole stack (update - update_nogc) {total - per_request['update_nogc']:,.0f}.\n",
              "## Whole stack by shared object (exclusive, per request)\n",
              "| object | Ir per request | share | raw C loop |", "|---|---:|---:|---:|"]
    for obj, v in by_obj.most_common():
        if v < total * 0.002:
            continue
        lines.append(f"| {obj} | {v:,.0f} | {100 * v / total:.1f}% | {c_by_obj.get(obj, 0):,.0f} |")
    lines += ["", "## Whole stack by named function (inclusive, per request, >= 1%)\n",
              "Every function of core.so, and the exported functions of the system libraries "
              "(they have no debug symbols here, so their internal functions appear only through "
              "these). Recursive entry points (lua_pcallk, lua_callk) are left out.\n",
              "| function | object | Ir per request | share | raw C loop |", "|---|---|---:|---:|---:|"]
    for (ob, fn), v in sorted(inc.items(), key=lambda kv: -kv[1]):
        obj = short_object(ob)
        if v < total * 0.01 or fn is None or fn.startswith("0x") or "'" in fn or fn in SKIP_INCLUSIVE:
            continue
        if obj not in ("core.so", "libcurl.so", "libc.so", "lua5.4", "liblua5.4-cjson.so"):
            continue
        c = c_inc.get((obj, fn))
        lines.append(f"| {fn} | {obj} | {v:,.0f} | {100 * v / total:.1f}% | {'' if c is None else f'{c:,.0f}'} |")
    lines += ["", "## Whole stack: top functions by exclusive instructions (per request)\n",
              "| function | object | Ir per request | share |", "|---|---|---:|---:|"]
    for (ob, fn), v in by_fn.most_common(25):
        lines.append(f"| {fn} | {short_object(ob)} | {v:,.0f} | {100 * v / total:.1f}% |")
    lines += ["", "## Lua functions by VM instructions (not under callgrind)\n",
              f"A count hook over {k:,} updates: the Lua functions (by file and the line they are "
              "defined on) that execute the Lua layer's bytecodes. Bytecodes only: the C functions "
              "they call (string.gsub, table creation, the core) are not in these counts.\n",
              "| function | VM instructions per request | share |", "|---|---:|---:|"]
    for row in luaprof.splitlines():
        where, count, share = row.split("\t")
        lines.append(f"| {where} | {count} | {share}% |")
    with open(os.path.join(bench.BENCH, "PROFILE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print("profile: wrote bench/PROFILE.md", file=sys.stderr)


if __name__ == "__main__":
    main()
