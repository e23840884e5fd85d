// Every deployable app and the one command that runs it: the same command in `pnpm start`, in its container's
// CMD, and in the chaos test.
export const apps = [
  { name: 'ingress', env: {} },
  { name: 'router', env: { METRICS_PORT: '9100' } },
  { name: 'worker-ledger', env: { METRICS_PORT: '9101' } },
  { name: 'worker-slack', env: { METRICS_PORT: '9102' } },
  { name: 'worker-email', env: { METRICS_PORT: '9103' } },
  { name: 'worker-tracking', env: { METRICS_PORT: '9104' } },
  { name: 'board', env: {} },
  // new workers go above this line (pnpm new:worker adds them here)
];

export const commandOf = (name) => ['node', `apps/${name}/dist/main.js`];
