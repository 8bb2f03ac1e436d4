// libsignal-node 6.0.0 (the Signal library Baileys uses) on the operations the C# SignalBenchmarks
// measure, so both are measured in the same run on the same machine:
//
//   node bench/node/libsignal-bench.mjs [--out <results.json>] [--rounds 15] [--round-ms 250] [--warmup-ms 1500]
//
//   encrypt    SessionCipher.encrypt of a 100-byte message in an established session
//   decrypt    SessionCipher.decryptWhisperMessage of such messages, in order
//   setup      SessionBuilder.initOutgoing from a prekey bundle with a one-time prekey
//   x25519     curve.calculateAgreement
//   sign       curve.calculateSignature (XEdDSA) over a 33-byte serialized public key
//   verify     curve.verifySignature of such a signature
//
// Sessions live in an in-memory store that keeps SessionRecord objects as they are (no
// serialization between calls), the most favourable setting for libsignal-node: Baileys itself
// serializes records between calls. Each operation runs in its own Node process.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { measure, measureBatches, statistics } from './measure.mjs';

const require = createRequire(new URL('../../tests/Interop/node_modules/', import.meta.url));
let signal;
try {
  signal = require('libsignal');
} catch (error) {
  console.error(`Cannot load libsignal from tests/Interop/node_modules: run \`npm ci\` in tests/Interop first.\n${error}`);
  process.exit(2);
}
const { curve, keyhelper, ProtocolAddress, SessionBuilder, SessionCipher } = signal;

const Operations = ['encrypt', 'decrypt', 'setup', 'x25519', 'sign', 'verify'];
const MessageBytes = 100;
const options = parseArguments(process.argv.slice(2));

function measureInChild(op) {
  const args = [fileURLToPath(import.meta.url), '--op', op, '--rounds', String(options.rounds),
    '--round-ms', String(options.roundMs), '--warmup-ms', String(options.warmupMs)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    throw new Error(`measuring ${op} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(child.stdout);
}

async function measureOne(op) {
  let measured;
  switch (op) {
    case 'encrypt': {
      const { alice, bob } = await establishedPair();
      const message = randomBytes(MessageBytes);
      measured = await measure(async () => (await alice.cipherTo(bob)).encrypt(message).then((m) => m.body.length), options);
      break;
    }
    case 'decrypt': {
      const { alice, bob } = await establishedPair();
      const message = randomBytes(MessageBytes);
      const aliceCipher = alice.cipherTo(bob);
      const bobCipher = bob.cipherTo(alice);
      measured = await measureBatches(
        async (count) => {
          const batch = [];
          for (let i = 0; i < count; i++) {
            batch.push(Buffer.from((await aliceCipher.encrypt(message)).body, 'binary'));
          }
          return batch;
        },
        async (batch) => {
          let total = 0;
          for (const body of batch) {
            total += (await bobCipher.decryptWhisperMessage(body)).length;
          }
          return total;
        },
        options);
      break;
    }
    case 'setup': {
      const alice = new Party('alice');
      const bob = new Party('bob');
      const preKeys = [];
      for (let id = 1; id <= 4096; id++) {
        preKeys.push(keyhelper.generatePreKey(id));
      }
      let next = 0;
      measured = await measure(async () => {
        // A fresh address each time, so every setup starts from no session, as a first contact does.
        const address = new ProtocolAddress(`bob${next}`, 1);
        await new SessionBuilder(alice.store, address).initOutgoing(bob.bundle(preKeys[next++ % preKeys.length]));
        return 1;
      }, options);
      break;
    }
    case 'x25519': {
      const ours = curve.generateKeyPair();
      const theirs = curve.generateKeyPair();
      measured = await measure(() => curve.calculateAgreement(theirs.pubKey, ours.privKey).length, options);
      break;
    }
    case 'sign': {
      const identity = curve.generateKeyPair();
      const message = curve.generateKeyPair().pubKey;
      measured = await measure(() => curve.calculateSignature(identity.privKey, message).length, options);
      break;
    }
    case 'verify': {
      const identity = curve.generateKeyPair();
      const message = curve.generateKeyPair().pubKey;
      const signature = curve.calculateSignature(identity.privKey, message);
      measured = await measure(() => {
        if (curve.verifySignature(identity.pubKey, message, signature) !== true) {
          throw new Error('libsignal refused its own signature');
        }
        return 1;
      }, options);
      break;
    }
    default:
      usage(`unknown operation ${op}`);
  }
  const { medianMs, meanMs, stdDevMs } = statistics(measured.perPass);
  return { medianUsPerOp: medianMs * 1000, meanUsPerOp: meanMs * 1000, stdDevUsPerOp: stdDevMs * 1000, opsPerSecond: 1000 / medianMs, opsPerRound: measured.passesPerRound };
}

/** Alice and Bob after one round trip (pkmsg, then a reply), so both hold an established session. */
async function establishedPair() {
  const alice = new Party('alice');
  const bob = new Party('bob');
  await new SessionBuilder(alice.store, bob.address).initOutgoing(bob.bundle(keyhelper.generatePreKey(1)));
  const first = await alice.cipherTo(bob).encrypt(Buffer.from('hello'));
  await bob.cipherTo(alice).decryptPreKeyWhisperMessage(Buffer.from(first.body, 'binary'));
  const reply = await bob.cipherTo(alice).encrypt(Buffer.from('hi'));
  await alice.cipherTo(bob).decryptWhisperMessage(Buffer.from(reply.body, 'binary'));
  return { alice, bob };
}

class Party {
  constructor(name) {
    this.address = new ProtocolAddress(name, 1);
    this.identity = curve.generateKeyPair();
    this.registrationId = keyhelper.generateRegistrationId();
    this.signedPreKey = keyhelper.generateSignedPreKey(this.identity, 1);
    this.preKeys = new Map();
    this.sessions = new Map();
    const party = this;
    this.store = {
      getOurIdentity: async () => party.identity,
      getOurRegistrationId: async () => party.registrationId,
      isTrustedIdentity: async () => true,
      loadPreKey: async (id) => party.preKeys.get(Number(id)),
      removePreKey: async (id) => { party.preKeys.delete(Number(id)); },
      loadSignedPreKey: async (id) => (Number(id) === party.signedPreKey.keyId ? party.signedPreKey.keyPair : undefined),
      loadSession: async (address) => party.sessions.get(address),
      storeSession: async (address, record) => { party.sessions.set(address, record); },
    };
  }

  bundle(preKey) {
    this.preKeys.set(preKey.keyId, preKey.keyPair);
    return {
      identityKey: this.identity.pubKey,
      registrationId: this.registrationId,
      signedPreKey: { keyId: this.signedPreKey.keyId, publicKey: this.signedPreKey.keyPair.pubKey, signature: this.signedPreKey.signature },
      preKey: { keyId: preKey.keyId, publicKey: preKey.keyPair.pubKey },
    };
  }

  cipherTo(other) {
    return new SessionCipher(this.store, other.address);
  }
}

function parseArguments(args) {
  const parsed = { out: undefined, rounds: 15, roundMs: 250, warmupMs: 1500, op: undefined };
  for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
      case '--out': parsed.out = args[++i]; break;
      case '--rounds': parsed.rounds = Number(args[++i]); break;
      case '--round-ms': parsed.roundMs = Number(args[++i]); break;
      case '--warmup-ms': parsed.warmupMs = Number(args[++i]); break;
      case '--op': parsed.op = args[++i]; break;
      default: usage(`unknown argument ${args[i]}`);
    }
  }
  if (!(parsed.rounds > 0) || !(parsed.roundMs > 0) || !(parsed.warmupMs >= 0) || (parsed.op && !Operations.includes(parsed.op))) {
    usage(`--rounds and --round-ms must be positive; --op is one of ${Operations}`);
  }
  return parsed;
}

function usage(problem) {
  console.error(`${problem}\nusage: node bench/node/libsignal-bench.mjs [--out <results.json>] [--rounds 15] [--round-ms 250] [--warmup-ms 1500]`);
  process.exit(2);
}

async function main() {
  if (options.op) {
    console.log(JSON.stringify(await measureOne(options.op)));
  } else {
    const results = {
      libsignal: JSON.parse(readFileSync(require.resolve('libsignal/package.json'), 'utf8')).version,
      node: process.version,
      rounds: options.rounds,
      roundMs: options.roundMs,
      operations: {},
    };
    for (const op of Operations) {
      results.operations[op] = measureInChild(op);
    }
    const text = JSON.stringify(results, null, 2);
    if (options.out) {
      writeFileSync(options.out, text + '\n');
    }
    console.log(text);
  }
}

// Last, so that the classes above are initialised before anything runs.
await main();
