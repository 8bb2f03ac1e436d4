// Baileys 7.0.0-rc14's own Signal repository and key-store transactions, without a socket or a server: two parties
// made of exactly what makeWASocket builds for itself (initAuthCreds, addTransactionCapability over an in-memory
// SignalKeyStore, the default makeSignalRepository), driven through the two transaction shapes Baileys uses:
//   - sendMessage wraps relayMessage (session asserts, encrypt for every device, send) in
//     keys.transaction(work, meId)                                    (Socket/messages-send.js)
//   - every 1:1 decryption runs in keys.transaction(work, senderJid)  (Signal/libsignal.js decryptMessage)
// The mutex is per transaction key, so the two can overlap on one Signal record. Each op below makes that overlap
// happen at a chosen moment (or, with serialized: true, makes the same steps one after the other) and reports what
// the other party could decrypt. The C# side is tests/SessionCluster.Interop.Tests/Simulator/BaileysKeyStoreRaceTests.cs.
//
// Ops (request args → result):
//   receiverLosesIncomingSession({ serialized }) → { firstType, secondType, first, second }
//       A and B both start a session to each other at once (each injected the other's bundle, as after two
//       concurrent prekey fetches). A sends its first pkmsg; B decrypts it while B's own send transaction is open;
//       then A sends a second pkmsg on the same base key. first/second: { ok, text?, error? } at B.
//   senderReusesMessageKey({ serialized }) → { atA, sent, atB }
//       A and B have a working session. A decrypts B's second reply while A's send transaction runs and commits
//       first; A's decrypt then commits its older copy of the record. A sends once more. sent: { type, ratchetKey,
//       counter } of A's last three sends; atA/atB: { ok, text?, error? } per decryption at A and at B.

import { addTransactionCapability, Curve, DEFAULT_CONNECTION_CONFIG, generateSignalPubKey, initAuthCreds, proto } from 'baileys';
import { runPeer } from './peer-protocol.mjs';
import { capturedConsole } from './signal-peer-support.mjs';

// libsignal logs through console (stdout carries the protocol) and only logs the per-session cause of a failed
// decrypt ("Key used already or never filled" behind "No matching sessions found"); keep those causes.
const logs = capturedConsole('libsignal');

/** A pino-shaped logger that keeps only warnings and errors (on stderr, which the C# side keeps as the tail). */
function makeLogger(bindings = {}) {
  const write = (level) => (object, message) => {
    process.stderr.write(JSON.stringify({ level, ...bindings, ...(typeof object === 'object' ? object : { msg: object }), ...(message ? { msg: message } : {}) }) + '\n');
  };
  const quiet = () => {};
  return { level: 'warn', trace: quiet, debug: quiet, info: quiet, warn: write('warn'), error: write('error'), fatal: write('fatal'), child: (more) => makeLogger({ ...bindings, ...more }) };
}

/** The SignalKeyStore an app hands Baileys: here a map per key type, values as given. */
function memoryKeyStore() {
  const data = new Map();
  return {
    async get(type, ids) {
      const bucket = data.get(type) ?? new Map();
      return Object.fromEntries(ids.filter((id) => bucket.has(id)).map((id) => [id, bucket.get(id)]));
    },
    async set(mutations) {
      for (const [type, values] of Object.entries(mutations)) {
        const bucket = data.get(type) ?? new Map();
        data.set(type, bucket);
        for (const [id, value] of Object.entries(values)) {
          if (value === null || value === undefined) {
            bucket.delete(id);
          } else {
            bucket.set(id, value);
          }
        }
      }
    },
  };
}

/** One party: its creds, transactional keys and repository as makeWASocket builds them, and one one-time prekey. */
async function makeParty(jid) {
  const logger = makeLogger({ party: jid });
  const creds = initAuthCreds();
  creds.me = { id: jid };
  const keys = addTransactionCapability(memoryKeyStore(), logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  const repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, logger, async () => []);
  const preKey = Curve.generateKeyPair();
  await keys.set({ 'pre-key': { 1: preKey } });
  const bundle = {
    registrationId: creds.registrationId,
    identityKey: generateSignalPubKey(creds.signedIdentityKey.public),
    signedPreKey: {
      keyId: creds.signedPreKey.keyId,
      publicKey: generateSignalPubKey(creds.signedPreKey.keyPair.public),
      signature: creds.signedPreKey.signature,
    },
    preKey: { keyId: 1, publicKey: generateSignalPubKey(preKey.public) },
  };
  return { jid, keys, repository, bundle };
}

/** A's and B's device JIDs in the form the real server now delivers from (LID devices). */
const JID_A = '111111111111111:1@lid';
const JID_B = '222222222222222:1@lid';

function encode(text) {
  return proto.Message.encode({ conversation: text }).finish();
}

function decode(plaintext) {
  // Baileys pads plaintexts before encrypting; the repository hands back what was encrypted.
  return proto.Message.decode(plaintext).conversation;
}

/** One decryption: { ok, text } or { ok: false, error, causes } (what libsignal logged per session). */
async function tryDecrypt(party, from, message) {
  logs.begin();
  try {
    const plaintext = await party.repository.decryptMessage({ jid: from, type: message.type, ciphertext: message.ciphertext });
    return { ok: true, text: decode(plaintext) };
  } catch (error) {
    return { ok: false, error: `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`, causes: logs.errors() };
  } finally {
    logs.end();
  }
}

/** A transaction keyed like sendMessage's (meId) that encrypts, then stays open until `release` resolves. */
function openSendTransaction(party, to, text, release) {
  let encrypted;
  const encryptedOnce = new Promise((resolve) => { encrypted = resolve; });
  const done = party.keys.transaction(async () => {
    const message = await party.repository.encryptMessage({ jid: to, data: encode(text) });
    encrypted(message);
    await release;
    return message;
  }, party.jid);
  return { encrypted: encryptedOnce, done };
}

function gate() {
  let open;
  const opened = new Promise((resolve) => { open = resolve; });
  return { opened, open };
}

async function receiverLosesIncomingSession({ serialized }) {
  const a = await makeParty(JID_A);
  const b = await makeParty(JID_B);
  await a.repository.injectE2ESession({ jid: JID_B, session: b.bundle });
  await b.repository.injectE2ESession({ jid: JID_A, session: a.bundle });

  const first = await a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 0') });
  const release = gate();
  const send = openSendTransaction(b, JID_A, 'b->a 0', release.opened);
  await send.encrypted;
  let firstAtB;
  if (serialized) {
    release.open();
    await send.done;
    firstAtB = await tryDecrypt(b, JID_A, first);
  } else {
    firstAtB = await tryDecrypt(b, JID_A, first);
    release.open();
    await send.done;
  }

  const second = await a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 1') });
  return { firstType: first.type, secondType: second.type, first: firstAtB, second: await tryDecrypt(b, JID_A, second) };
}

async function senderReusesMessageKey({ serialized }) {
  const a = await makeParty(JID_A);
  const b = await makeParty(JID_B);
  await a.repository.injectE2ESession({ jid: JID_B, session: b.bundle });

  // A working session both ways: A's pkmsg, then two replies of B on one chain; A reads the first and answers.
  const atB = [await tryDecrypt(b, JID_A, await a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 0') }))];
  const reply1 = await b.repository.encryptMessage({ jid: JID_A, data: encode('b->a 1') });
  const reply2 = await b.repository.encryptMessage({ jid: JID_A, data: encode('b->a 2') });
  const atA = [await tryDecrypt(a, JID_B, reply1)];
  const toB = [await a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 1') })];

  // A decrypts B's second reply in a transaction keyed by B's JID whose commit is slow (as a file or database
  // store's is); meanwhile A's send transaction, keyed by A's own JID, encrypts and commits. Serialized: the send
  // starts only after the decrypt committed.
  const commit = gate();
  let decrypted;
  const decryptedOnce = new Promise((resolve) => { decrypted = resolve; });
  const decrypt = a.keys.transaction(async () => {
    const result = await tryDecrypt(a, JID_B, reply2);
    decrypted();
    await commit.opened;
    return result;
  }, JID_B);
  await decryptedOnce;
  if (serialized) {
    commit.open();
    atA.push(await decrypt);
  }

  toB.push(await a.keys.transaction(() => a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 2') }), JID_A));
  if (!serialized) {
    commit.open();
    atA.push(await decrypt);
  }

  toB.push(await a.repository.encryptMessage({ jid: JID_B, data: encode('a->b 3') }));
  const sent = toB.map(whisperSummary);
  for (const message of toB) {
    atB.push(await tryDecrypt(b, JID_A, message));
  }

  return { atA, sent, atB };
}

/**
 * Type, ratchet key (hex prefix) and counter of a WhisperMessage (msg) or of the one inside a PreKeyWhisperMessage
 * (pkmsg, field 4): a version byte, the protobuf (ratchetKey 1, counter 2), then an 8-byte MAC.
 */
function whisperSummary({ type, ciphertext }) {
  let whisper = Buffer.from(ciphertext);
  if (type === 'pkmsg') {
    whisper = readField(whisper.subarray(1), 4);
  }
  const body = whisper.subarray(1, whisper.length - 8);
  return { type, ratchetKey: readField(body, 1).subarray(0, 6).toString('hex'), counter: readVarintField(body, 2) };
}

function readVarint(buffer, offset) {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    const byte = buffer[position++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) {
      return { value, next: position };
    }
    shift += 7;
  }
}

/** Walks a protobuf message; returns the first field `number` (length-delimited as bytes, varint as a number). */
function findField(buffer, number) {
  let offset = 0;
  while (offset < buffer.length) {
    const tag = readVarint(buffer, offset);
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    offset = tag.next;
    if (wire === 0) {
      const varint = readVarint(buffer, offset);
      if (field === number) {
        return varint.value;
      }
      offset = varint.next;
    } else if (wire === 2) {
      const length = readVarint(buffer, offset);
      const start = length.next;
      if (field === number) {
        return buffer.subarray(start, start + length.value);
      }
      offset = start + length.value;
    } else {
      throw new Error(`unexpected protobuf wire type ${wire}`);
    }
  }
  throw new Error(`field ${number} is missing`);
}

function readField(buffer, number) {
  const value = findField(buffer, number);
  if (!Buffer.isBuffer(value) && !(value instanceof Uint8Array)) {
    throw new Error(`field ${number} is not length-delimited`);
  }
  return Buffer.from(value);
}

function readVarintField(buffer, number) {
  const value = findField(buffer, number);
  if (typeof value !== 'number') {
    throw new Error(`field ${number} is not a varint`);
  }
  return value;
}

runPeer({ receiverLosesIncomingSession, senderReusesMessageKey });
