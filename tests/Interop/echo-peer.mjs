// A peer with no library behind it: the NodePeer infrastructure tests use it to pin the
// protocol itself (concurrency, ordering, errors, timeouts, events, large lines, environment).

import { emit, runPeer } from './peer-protocol.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

runPeer({
  echo: (args) => args,
  delayedEcho: async ({ delayMs, value }) => {
    await sleep(delayMs);
    return value;
  },
  fail: ({ message }) => {
    throw new Error(message);
  },
  failLater: async ({ message, stderr }) => {
    process.stderr.write(`${stderr}\n`);
    await sleep(1);
    throw new TypeError(message);
  },
  hang: () => new Promise(() => {}),
  repeat: ({ text, times }) => text.repeat(times),
  length: ({ text }) => text.length,
  env: ({ name }) => process.env[name] ?? null,
  emitEvents: ({ name, count }) => {
    for (let i = 0; i < count; i++) {
      emit(name, { sequence: i });
    }
    return count;
  },
  crash: ({ code, stderr }) => {
    process.stderr.write(`${stderr}\n`);
    process.exit(code);
  },
});
