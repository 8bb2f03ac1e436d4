// Small helpers shared by signal-peer.mjs and libsignal-client-peer.mjs.

/** Lowercase hex of any byte array. */
export const toHex = (bytes) => Buffer.from(bytes).toString('hex');

/** A Buffer from hex; throws on anything that is not an even-length hex string. */
export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`not a hex string: ${String(hex).slice(0, 80)}`);
  }
  return Buffer.from(hex, 'hex');
}

/** 0x05 || key: Signal's serialized public key, from the raw 32 bytes. */
export function withType(raw) {
  if (raw.length !== 32) {
    throw new Error(`a raw Curve25519 public key is 32 bytes, not ${raw.length}`);
  }
  return Buffer.concat([Buffer.from([5]), raw]);
}

/** The raw 32 bytes of a 33-byte serialized public key. */
export function withoutType(serialized) {
  const bytes = Buffer.from(serialized);
  if (bytes.length !== 33 || bytes[0] !== 5) {
    throw new Error(`a serialized public key is 0x05 || 32 bytes; got ${bytes.length} bytes starting ${bytes[0]}`);
  }
  return bytes.subarray(1);
}

/** { name, message, code? } of a thrown value, for answers the C# side asserts on. */
export function errorSummary(error) {
  if (error instanceof Error) {
    const summary = { name: error.name, message: error.message };
    if (error.code !== undefined) {
      summary.code = error.code;
    }
    return summary;
  }
  return { name: typeof error, message: String(error) };
}

function terse(value) {
  if (typeof value === 'string') {
    return value.split('\n')[0];
  }
  if (value instanceof Error) {
    return `${value.name}: ${value.message}`;
  }
  if (value === null || value === undefined || typeof value !== 'object') {
    return String(value);
  }
  // Never print objects: libsignal logs whole session entries, private keys included.
  return `[${value.constructor?.name ?? 'object'}]`;
}

/**
 * Replaces console.* so a library's logging goes to stderr as one terse line per call (stdout
 * carries the peer protocol only). Between begin() and end(), console.error lines are also kept,
 * so an op can report causes a library logs but does not throw (libsignal-node's per-session
 * decrypt errors).
 */
export function capturedConsole(label) {
  let captured = null;
  for (const level of ['log', 'info', 'debug', 'trace', 'warn', 'error']) {
    console[level] = (...args) => {
      const line = args.map(terse).join(' ');
      if (level === 'error' && captured) {
        captured.push(line);
      }
      process.stderr.write(`${label} ${level}: ${line}\n`);
    };
  }
  return {
    begin() { captured = []; },
    errors() { return captured ? [...captured] : []; },
    end() { captured = null; },
  };
}
