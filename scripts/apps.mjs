// Every deployable app and the one command that runs it: the same command in `pnpm start`, in its container's
// CMD, and in the chaos test.
export const apps = [
  // The ingress makes short-lived garbage per request. A 256 MB old generation makes V8 collect after ~1.3× growth
  // instead of 2–4×, which holds its peak RSS near 125 MB under load instead of ~160 MB. The young generation stays
  // at 16 MB semi-spaces (V8's default maximum, set so it does not move with V8): a 4 MB one kept RSS near 100 MB
  // but scavenged 3–4× as often and promoted more: ~5 µs more per request (A/B of 2026-12-05, docs/operations.md).
  // The compose file sets the same for its container.
  { name: 'ingress', env: { NODE_OPTIONS: '--max-semi-space-size=16 --max-old-space-size=256' } },
  { name: 'router', env: { METRICS_PORT: '9100' } },
  { name: 'worker-ledger', env: { METRICS_PORT: '9101' } },
  { name: 'worker-slack', env: { METRICS_PORT: '9102' } },
  { name: 'worker-email', env: { METRICS_PORT: '9103' } },
  { name: 'worker-tracking', env: { METRICS_PORT: '9104' } },
  { name: 'board', env: {} },
  // new workers go above this line (pnpm new:worker adds them here)
];

export const commandOf = (name) => ['node', `apps/${name}/dist/main.js`];

/** The Node.js options an app runs with, as env, wherever it runs (pnpm start, the chaos test, the benchmarks). */
export const nodeOptionsEnv = (name) => {
  const options = apps.find((app) => app.name === name)?.env.NODE_OPTIONS;
  return options === undefined ? {} : { NODE_OPTIONS: options };
};
