import { setFlagsFromString } from 'node:v8';

/**
 * After a full GC, V8 lets the old generation grow by a factor it picks from how cheap GC looked (often 2–4×)
 * before it collects again. Under load the ingress promotes short-lived request garbage, so its heap saw-tooths
 * from ~25 MB live to ~80 MB and back. Growing by 30 % instead collects sooner: peak RSS 105–107 MB instead of
 * 155–160 MB, for the same CPU per request (A/B on one Redis, 50 connections, 8 alternating rounds, 2026-12-04).
 * V8 reads the flag at each GC, so setting it here works, and it applies wherever the ingress runs (NODE_OPTIONS
 * does not accept V8 flags such as this one).
 */
export function limitHeapGrowth(percent = 30): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
