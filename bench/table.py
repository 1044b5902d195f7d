#!/usr/bin/env python3
"""Prints bench/run's results (a JSON-lines file) as tables, with the
budgets of DESIGN.md ("Performance budgets") checked:

- throughput: the family dashboard ("home") at >= 30% of /healthz, the
  budget's words ("a family dashboard is served at >= 30% of the throughput
  of a static route"); the ratio is printed for every page, and a patient
  page's is marked "under 30%" without calling it a missed budget;
- p99 latency of patient pages (the mix and each page alone) under 50 ms;
- resident memory under 200 MB; no errors."""

import json
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]

seeds = [r for r in rows if r["scenario"] == "seed"]
if seeds:
    print("\nSeeding (sprout demo --families N --no-serve)")
    print(f"{'run':<18}{'families':>9}{'patients':>10}{'items':>12}{'seconds':>9}{'peak RSS':>10}{'db size':>10}")
    for r in seeds:
        print(f"{r['label']:<18}{r['families']:>9}{r['patients']:>10}{r['items']:>12}"
              f"{r['seconds']:>9.1f}{r['rss_mb']:>8.0f}MB{r['db_mb']:>8.0f}MB"
              f"{'  (seeded by an earlier run)' if r.get('reused') else ''}")

loads = [r for r in rows if r["scenario"] not in ("seed", "sign-in")]
print("\nLoad (32 signed-in family sessions, 32 connections, wrk on loopback)")
print(f"{'run':<18}{'scenario':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
      f"{'/healthz':>10}{'peak RSS':>10}  budget")
for r in loads:
    checks = []
    notes = []
    if r["scenario"] != "healthz":
        if r["ratio"] < 0.30:
            (checks if r["scenario"] == "home" else notes).append("ratio<30%")
        if r["p99_ms"] >= 50:
            checks.append("p99>=50ms")
    if r["rss_mb"] >= 200:
        checks.append("RSS>=200MB")
    if r["errors"]:
        checks.append("errors")
    ratio = "" if r["ratio"] is None else f"{r['ratio'] * 100:.0f}%"
    print(f"{r['label']:<18}{r['scenario']:<15}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}"
          f"{r['p99_ms']:>9.2f}{r['errors']:>8}{ratio:>10}{r['rss_mb']:>8.0f}MB  "
          f"{'MISSED: ' + ', '.join(checks) if checks else 'ok'}"
          f"{' (' + ', '.join(notes) + ')' if notes else ''}")

print("Budgets (DESIGN.md): home, the family dashboard, >= 30% of /healthz; every page p99 < 50 ms;\n"
      "peak RSS < 200 MB; no errors. \"(ratio<30%)\": a patient page under 30% of /healthz, shown, not a budget.")

signins = [r for r in rows if r["scenario"] == "sign-in"]
if signins:
    print("\nSign-in (32 logins one after another, Argon2id; not in the mix's loop)")
    for r in signins:
        print(f"{r['label']:<18}p50 {r['p50_ms']:.0f} ms, max {r['max_ms']:.0f} ms")

print("\nGrowth with size (mix p99 at the largest size / at the smallest, budget <= 2x)")
for backend in ("sqlite", "postgres"):
    sizes = {r["label"] for r in loads if r["scenario"] == "mix" and r["label"].startswith(backend)}
    if len(sizes) == 1:
        print(f"{backend:<10}one size only: nothing to compare")
    mix = [r for r in loads if r["scenario"] == "mix" and r["label"].startswith(backend)]
    if len(mix) >= 2:
        by_size = sorted(mix, key=lambda r: int(r["label"].split()[1]))
        small, big = by_size[0], by_size[-1]
        f = big["p99_ms"] / small["p99_ms"]
        print(f"{backend:<10}{big['label'].split()[1]:>7} vs {small['label'].split()[1]:<7}"
              f"{f:>6.2f}x  {'ok' if f <= 2 else 'MISSED'}")
