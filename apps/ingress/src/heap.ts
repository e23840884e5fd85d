import { setFlagsFromString } from 'node:v8';

/**
 * After a full GC, V8 lets the old generation grow by a factor it picks from how cheap GC looked (often 2–4×)
 * before it collects again. Under load the ingress promotes short-lived request garbage, so its heap saw-tooths
 * from ~25 MB live to ~80 MB and back. Growing by 30 % instead collects sooner: peak RSS 105–107 MB instead of
 * 155–160 MB for the same CPU per request (A/B, 50 connections, 8 alternating rounds, 2026-12-04; bench/README
 * in docs/benchmarks.md). The flag is read at each GC, so setting it at startup works, and unlike NODE_OPTIONS it
 * applies wherever the ingress runs (V8 flags are not allowed in NODE_OPTIONS).
 */
export function limitHeapGrowth(percent = 30): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
