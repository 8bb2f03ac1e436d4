// The peer side of the JSON-lines protocol the C# NodePeer (tests/SessionCluster.Interop.Tests/
// Infrastructure/NodePeer.cs) speaks. Every peer script is a thin table of handlers around this.
//
//   request   (stdin):  {"id":N,"op":"name","args":...}
//   response  (stdout): {"id":N,"ok":true,"result":...} | {"id":N,"ok":false,"error":"stack"}
//   event     (stdout): {"event":"name","data":...}      (unprompted, e.g. a pushed frame)
//
// stdout carries protocol lines only; anything diagnostic goes to stderr, which the C# side keeps
// for error messages. Handlers may be async and run concurrently; responses are matched by id, so
// they may complete out of order. When stdin closes, the peer finishes pending calls and exits.

import { createInterface } from 'node:readline';

function writeLine(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function describeError(error) {
  if (error instanceof Error) {
    return error.stack || `${error.name}: ${error.message}`;
  }
  return String(error);
}

/** Sends an unprompted notification; the C# side reads it from NodePeer.Events. */
export function emit(event, data) {
  writeLine({ event, data: data === undefined ? null : data });
}

/**
 * Serves the handlers until stdin closes. `handlers` maps an op name to `(args, peer) => result`
 * (sync or async); `peer.emit` sends events. The built-in op `ops` lists the handler names.
 * Emits the event `ready` once listening, which NodePeer.StartAsync waits for.
 */
export function runPeer(handlers) {
  const table = { ...handlers, ops: () => Object.keys(handlers) };
  const context = { emit };
  const pending = new Set();

  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });

  input.on('line', (line) => {
    if (line.trim() === '') {
      return;
    }
    let request;
    try {
      request = JSON.parse(line);
    } catch (error) {
      process.stderr.write(`peer-protocol: unparsable request line (${line.length} chars): ${describeError(error)}\n`);
      return;
    }
    const { id, op, args } = request;
    const handler = Object.hasOwn(table, op) ? table[op] : undefined;
    const call = (async () => {
      if (typeof handler !== 'function') {
        throw new Error(`unknown op "${op}"; this peer serves: ${Object.keys(table).join(', ')}`);
      }
      return handler(args === undefined ? null : args, context);
    })().then(
      (result) => writeLine({ id, ok: true, result: result === undefined ? null : result }),
      (error) => writeLine({ id, ok: false, error: describeError(error) }),
    );
    pending.add(call);
    call.finally(() => pending.delete(call));
  });

  input.on('close', async () => {
    await Promise.allSettled([...pending]);
    process.stdout.write('', () => process.exit(0));
  });

  emit('ready', { pid: process.pid, node: process.version, ops: Object.keys(table) });
}
