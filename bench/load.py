#!/usr/bin/env python3
"""Load scenarios against a running Sprout server (called by bench/run).

Signs in 32 parent logins of the demo practice (spread over the whole
practice, from the --accounts-json file of `sprout demo`), the way a browser
does: GET /login for the CSRF cookie and token, POST /login with the token and
an Origin header. Then runs wrk (bench/session.lua) at 32 connections on
loopback for each scenario:

  healthz     GET /healthz (no database work): the server's ceiling
  mix         each session's visit: family home, a child's summary, vitals,
              immunizations, growth chart, messages list (all six, in turn)
  home ... messages   each page of the mix alone

and prints one JSON object per scenario on stdout (requests/s, p50, p99,
errors, ratio to /healthz, server peak RSS). Peak RSS is VmHWM of the server
process, reset before each scenario through /proc/PID/clear_refs (so each
figure is that scenario's peak), read after it.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

SESSIONS = 32
PAGES = [
    ("home", "/"),
    ("summary", "/patients/{p}"),
    ("vitals", "/patients/{p}/vitals"),
    ("immunizations", "/patients/{p}/immunizations"),
    ("growth", "/patients/{p}/growth"),
    ("messages", "/messages"),
]


def cookies_of(resp):
    out = {}
    for k, v in resp.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
    return out


def sign_in(host, port, email, password):
    """Returns (cookie header, seconds the POST took)."""
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", "/login")
    r = c.getresponse()
    body = r.read().decode()
    jar = cookies_of(r)
    m = re.search(r'name="csrf" value="([^"]+)"', body)
    if r.status != 200 or not m:
        raise SystemExit(f"GET /login: {r.status}, no CSRF token")
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf": m.group(1), "next": ""}
    )
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    started = time.perf_counter()
    c.request(
        "POST",
        "/login",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{host}:{port}",
            "Cookie": cookie,
        },
    )
    r = c.getresponse()
    r.read()
    took = time.perf_counter() - started
    jar.update(cookies_of(r))
    if r.status not in (302, 303) or r.getheader("Location", "").startswith("/login"):
        raise SystemExit(f"sign-in of a demo parent failed: HTTP {r.status}")
    c.close()
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v), took


def pick_sessions(accounts):
    parents = [a for a in accounts if a["role"] == "parent" and a["patients"]]
    if len(parents) < SESSIONS:
        raise SystemExit(f"only {len(parents)} parent logins; need {SESSIONS}")
    step = len(parents) / SESSIONS
    return [parents[int(i * step)] for i in range(SESSIONS)]


def vmhwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run_wrk(url, lines, seconds, pid, threads):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    env = dict(os.environ, SPROUT_BENCH_REQUESTS=path, SPROUT_BENCH_THREADS=str(threads))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "session.lua")
    reset = reset_peak(pid)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(SESSIONS), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", script, url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(path)
    m = re.search(r"SPROUT_RESULT (.*)", out)
    if not m:
        raise SystemExit(f"wrk printed no result:\n{out}")
    r = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    r["rss_kb"] = vmhwm_kb(pid)
    r["rss_scope"] = "scenario" if reset else "process"
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--accounts", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--page-seconds", type=int, default=None,
                    help="seconds for each page alone [--seconds]")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--label", default="")
    ap.add_argument("--pages", action="store_true", help="also each page alone")
    args = ap.parse_args()

    host, port = args.url.split("//", 1)[1].rstrip("/").split(":")
    port = int(port)
    with open(args.accounts) as f:
        accounts = json.load(f)
    sessions = pick_sessions(accounts)
    signed = []
    took = []
    for a in sessions:
        cookie, t = sign_in(host, port, a["email"], a["password"])
        took.append(t)
        # The family's first child the parent may see.
        signed.append((cookie, a["patients"][0]["id"]))
    base = {"label": args.label}
    print(json.dumps(dict(base, scenario="sign-in", serial=len(took),
                          p50_ms=statistics.median(took) * 1e3,
                          max_ms=max(took) * 1e3)), flush=True)

    def lines_for(names):
        return [f"{cookie}\t{path.format(p=pid)}"
                for cookie, pid in signed
                for name, path in PAGES if name in names]

    all_pages = [n for n, _ in PAGES]
    # Warm up (caches, prepared statements) without measuring.
    run_wrk(args.url, lines_for(all_pages), 2, args.pid, args.threads)
    scenarios = [("healthz", ["\t/healthz"]), ("mix", lines_for(all_pages))]
    if args.pages:
        scenarios += [(n, lines_for([n])) for n in all_pages]
    ceiling = None
    alone = {n for n, _ in PAGES}
    for name, lines in scenarios:
        secs = args.page_seconds if name in alone and args.page_seconds else args.seconds
        r = run_wrk(args.url, lines, secs, args.pid, args.threads)
        rps = r["requests"] / (r["duration_us"] / 1e6)
        if name == "healthz":
            ceiling = rps
        print(json.dumps(dict(
            base, scenario=name, rps=rps, p50_ms=r["p50_us"] / 1e3,
            p99_ms=r["p99_us"] / 1e3, max_ms=r["max_us"] / 1e3,
            errors=r["bad_status"] + r["socket_errors"], requests=r["requests"],
            ratio=rps / ceiling if ceiling else None,
            rss_mb=r["rss_kb"] / 1024, rss_scope=r["rss_scope"])), flush=True)


if __name__ == "__main__":
    sys.exit(main())
