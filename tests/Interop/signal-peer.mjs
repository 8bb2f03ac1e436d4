// libsignal-node 6.0.0 (the library Baileys runs its 1:1 sessions on) and Baileys' own sender-key
// classes (baileys/lib/Signal/Group) behind the JSON-lines peer protocol, for
// tests/SessionCluster.Interop.Tests/Signal. See docs/SIGNAL-INTEROP.md.
//
// One process holds any number of independent parties (each with its own identity, prekeys,
// sessions and sender keys), so a test class shares the process and each test makes fresh parties.
// A party's address is "node<N>.1"; a remote party is named by whatever address string the caller
// uses ("csharp.1"). Keys travel as lowercase hex of the raw 32 bytes (no 0x05 type byte), as in
// WhatsApp's XML; messages as the exact wire bytes.
//
// Every party stores what libsignal hands it the way Baileys' store does: sessions as
// SessionRecord.serialize() JSON, sender keys as JSON of SenderKeyRecord.serialize(), read back with
// deserialize on every load. That matters: libsignal mutates the loaded record before it checks the
// MAC and only stores it on success, so a failed decrypt must not leak into the stored state.
//
// ops (party = the number init returned; bundle = { registrationId, identityKeyHex, signedPreKeyId,
//      signedPreKeyHex, signedPreKeySignatureHex, preKeyId|null, preKeyHex|null }):
//   init({ preKeyCount?, firstPreKeyId?, signedPreKeyId?, registrationId?, senderKeyJson?: 'baileys'|'buffer-json' })
//        -> { party, address, registrationId, identityKeyHex, signedPreKey: { id, publicKeyHex, signatureHex }, preKeyIds }
//   bundle({ party, withPreKey? }) -> bundle            (hands out the next unissued one-time prekey)
//   preKeys({ party }) -> { remaining: [ids] }           (libsignal removes a prekey once a session used it)
//   processBundle({ party, address, bundle })            (SessionBuilder.initOutgoing)
//   encrypt({ party, address, plaintextHex }) -> { type: 'pkmsg'|'msg', bodyHex }
//   encryptMany({ party, address, plaintextsHex }) -> [{ type, bodyHex }]
//   decrypt({ party, address, type, bodyHex }) -> { plaintextHex }   (throws libsignal's error)
//   decryptMany({ party, address, messages: [{ type, bodyHex }] })
//        -> [{ ok: true, plaintextHex } | { ok: false, error: { name, message, causes: [..] } }]
//   session({ party, address }) -> { exists, open, sessions, closed, registrationId (of the open session's peer) }
//   deleteSession({ party, address })
//   groupCreate({ party, groupId }) -> { senderAddress, skdmHex }     (GroupSessionBuilder.create)
//   groupProcess({ party, groupId, senderAddress, skdmHex })         (GroupSessionBuilder.process)
//   groupReset({ party, groupId })                  (forget our own sender key: the next create rotates)
//   groupEncrypt / groupEncryptMany({ party, groupId, plaintextHex | plaintextsHex }) -> { ciphertextHex, keyId, iteration }
//   groupDecrypt / groupDecryptMany({ party, groupId, senderAddress, ciphertextHex | ciphertextsHex })
//        -> { plaintextHex } | [settled as decryptMany]
//   groupState({ party, groupId, senderAddress }) -> { states: [{ keyId, iteration, messageKeys }] }
//   sign({ messageHex, privateKeyHex? }) -> { publicKeyHex, signatureHex }     (curve.calculateSignature)
//   verify({ publicKeyHex, messageHex, signatureHex }) -> { valid, error? }   (curve.verifySignature's return value)
//   baileysVerify({ publicKeyHex, messageHex, signatureHex }) -> { valid }     (Baileys' Curve.verify, see the doc)
//   makeSignedPreKey({ keyId }) -> { identityKeyHex, keyId, publicKeyHex, signatureHex }  (keyhelper.generateSignedPreKey)

import libsignal from 'libsignal';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyName,
  SenderKeyRecord,
} from 'baileys/lib/Signal/Group/index.js';
import { Curve } from 'baileys/lib/Utils/crypto.js';
import { BufferJSON } from 'baileys/lib/Utils/generics.js';
import { runPeer } from './peer-protocol.mjs';
import { capturedConsole, errorSummary, fromHex, toHex, withType, withoutType } from './signal-peer-support.mjs';

const { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord, curve, keyhelper } = libsignal;

// libsignal logs through console (console.info on stdout would corrupt the protocol, and some of its
// messages print whole session objects); capturedConsole keeps one terse line each on stderr and
// lets a failed decrypt report the per-session causes libsignal only logs.
const logs = capturedConsole('libsignal');

const parties = new Map();
let nextParty = 1;

/** One device: identity, prekeys and stores in the shapes libsignal-node and Baileys' group code call. */
class Party {
  constructor(number, { preKeyCount = 3, firstPreKeyId = 1, signedPreKeyId = 1, registrationId, senderKeyJson = 'baileys' }) {
    if (senderKeyJson !== 'baileys' && senderKeyJson !== 'buffer-json') {
      throw new Error(`senderKeyJson is 'baileys' or 'buffer-json', not ${senderKeyJson}`);
    }
    this.number = number;
    this.senderKeyReplacer = senderKeyJson === 'buffer-json' ? BufferJSON.replacer : undefined;
    this.address = new ProtocolAddress(`node${number}`, 1);
    this.identity = keyhelper.generateIdentityKeyPair();
    this.registrationId = registrationId ?? keyhelper.generateRegistrationId();
    const signed = keyhelper.generateSignedPreKey(this.identity, signedPreKeyId);
    this.signedPreKeys = new Map([[signed.keyId, signed]]);
    this.currentSignedPreKey = signed;
    this.preKeys = new Map();
    for (let i = 0; i < preKeyCount; i++) {
      const preKey = keyhelper.generatePreKey(firstPreKeyId + i);
      this.preKeys.set(preKey.keyId, preKey.keyPair);
    }
    this.issued = new Set();
    this.sessions = new Map();
    this.senderKeys = new Map();
  }

  // libsignal-node's storage interface (session_builder.js, session_cipher.js).
  getOurIdentity() { return this.identity; }
  getOurRegistrationId() { return this.registrationId; }
  isTrustedIdentity() { return true; } // trust on first use, as Baileys does
  loadPreKey(id) { return this.preKeys.get(id); }
  removePreKey(id) { this.preKeys.delete(id); }
  loadSignedPreKey(id) { return this.signedPreKeys.get(id)?.keyPair; }
  loadSession(address) {
    const stored = this.sessions.get(address);
    return stored === undefined ? undefined : SessionRecord.deserialize(JSON.parse(stored));
  }
  storeSession(address, record) { this.sessions.set(address, JSON.stringify(record.serialize())); }

  // Baileys' sender-key store (lib/Signal/libsignal.js): a missing record loads as an empty one;
  // records are stored as JSON text and read with SenderKeyRecord.deserialize (BufferJSON.reviver).
  // 'baileys' writes that JSON with plain JSON.stringify, exactly as Baileys does; 'buffer-json'
  // writes it with BufferJSON.replacer, the only difference being that skipped message keys come
  // back as Buffers (see docs/SIGNAL-INTEROP.md, finding 5, "Baileys' store loses skipped sender
  // message keys").
  loadSenderKey(name) {
    const stored = this.senderKeys.get(name.toString());
    return stored === undefined ? new SenderKeyRecord() : SenderKeyRecord.deserialize(Buffer.from(stored, 'utf-8'));
  }
  storeSenderKey(name, record) {
    this.senderKeys.set(name.toString(), JSON.stringify(record.serialize(), this.senderKeyReplacer));
  }
}

function party(number) {
  const found = parties.get(number);
  if (!found) {
    throw new Error(`no party ${number}; call init first`);
  }
  return found;
}

const address = (text) => ProtocolAddress.from(text);

function publicBundle(p, preKeyId) {
  const signed = p.currentSignedPreKey;
  return {
    registrationId: p.registrationId,
    identityKeyHex: toHex(withoutType(p.identity.pubKey)),
    signedPreKeyId: signed.keyId,
    signedPreKeyHex: toHex(withoutType(signed.keyPair.pubKey)),
    signedPreKeySignatureHex: toHex(signed.signature),
    preKeyId: preKeyId ?? null,
    preKeyHex: preKeyId === undefined ? null : toHex(withoutType(p.preKeys.get(preKeyId).pubKey)),
  };
}

function init(args) {
  const number = nextParty++;
  const p = new Party(number, args ?? {});
  parties.set(number, p);
  return {
    party: number,
    address: p.address.toString(),
    registrationId: p.registrationId,
    identityKeyHex: toHex(withoutType(p.identity.pubKey)),
    signedPreKey: {
      id: p.currentSignedPreKey.keyId,
      publicKeyHex: toHex(withoutType(p.currentSignedPreKey.keyPair.pubKey)),
      signatureHex: toHex(p.currentSignedPreKey.signature),
    },
    preKeyIds: [...p.preKeys.keys()],
  };
}

function bundle({ party: number, withPreKey = true }) {
  const p = party(number);
  if (!withPreKey) {
    return publicBundle(p, undefined);
  }
  const next = [...p.preKeys.keys()].find((id) => !p.issued.has(id));
  if (next === undefined) {
    throw new Error(`party ${number} has no unissued one-time prekey left`);
  }
  p.issued.add(next);
  return publicBundle(p, next);
}

async function processBundle({ party: number, address: remote, bundle: b }) {
  const device = {
    registrationId: b.registrationId,
    identityKey: withType(fromHex(b.identityKeyHex)),
    signedPreKey: {
      keyId: b.signedPreKeyId,
      publicKey: withType(fromHex(b.signedPreKeyHex)),
      signature: fromHex(b.signedPreKeySignatureHex),
    },
  };
  if (b.preKeyId !== null && b.preKeyId !== undefined) {
    device.preKey = { keyId: b.preKeyId, publicKey: withType(fromHex(b.preKeyHex)) };
  }
  await new SessionBuilder(party(number), address(remote)).initOutgoing(device);
  return null;
}

async function encryptOne(cipher, plaintextHex) {
  const { type, body } = await cipher.encrypt(fromHex(plaintextHex));
  if (type !== 1 && type !== 3) {
    throw new Error(`libsignal returned message type ${type}`);
  }
  return { type: type === 3 ? 'pkmsg' : 'msg', bodyHex: toHex(body) };
}

async function encryptMany({ party: number, address: remote, plaintextsHex }) {
  const cipher = new SessionCipher(party(number), address(remote));
  const results = [];
  for (const plaintextHex of plaintextsHex) {
    results.push(await encryptOne(cipher, plaintextHex));
  }
  return results;
}

async function decryptOne(cipher, { type, bodyHex }) {
  const body = fromHex(bodyHex);
  let plaintext;
  if (type === 'pkmsg') {
    plaintext = await cipher.decryptPreKeyWhisperMessage(body);
  } else if (type === 'msg') {
    plaintext = await cipher.decryptWhisperMessage(body);
  } else {
    throw new Error(`unknown message type "${type}" (expected pkmsg or msg)`);
  }
  return { plaintextHex: toHex(plaintext) };
}

/** Runs every item in order and reports each outcome, with the causes libsignal only logged. */
async function settle(items, work) {
  const results = [];
  for (const item of items) {
    logs.begin();
    try {
      results.push({ ok: true, ...(await work(item)) });
    } catch (error) {
      results.push({ ok: false, error: { ...errorSummary(error), causes: logs.errors() } });
    } finally {
      logs.end();
    }
  }
  return results;
}

async function session({ party: number, address: remote }) {
  const record = party(number).loadSession(remote);
  if (!record) {
    return { exists: false, open: false, sessions: 0, closed: 0, registrationId: null };
  }
  const all = record.getSessions();
  return {
    exists: true,
    open: record.haveOpenSession(),
    sessions: all.length,
    closed: all.filter((entry) => record.isClosed(entry)).length,
    registrationId: record.getOpenSession()?.registrationId ?? null,
  };
}

// ---- sender keys (Baileys' lib/Signal/Group) ----

const senderKeyName = (groupId, sender) => new SenderKeyName(groupId, address(sender));

async function groupCreate({ party: number, groupId }) {
  const p = party(number);
  const skdm = await new GroupSessionBuilder(p).create(new SenderKeyName(groupId, p.address));
  return { senderAddress: p.address.toString(), skdmHex: toHex(skdm.serialize()) };
}

async function groupProcess({ party: number, groupId, senderAddress, skdmHex }) {
  const message = new SenderKeyDistributionMessage(null, null, null, null, fromHex(skdmHex));
  await new GroupSessionBuilder(party(number)).process(senderKeyName(groupId, senderAddress), message);
  return null;
}

async function groupEncryptMany({ party: number, groupId, plaintextsHex }) {
  const p = party(number);
  const cipher = new GroupCipher(p, new SenderKeyName(groupId, p.address));
  const results = [];
  for (const plaintextHex of plaintextsHex) {
    const ciphertext = await cipher.encrypt(fromHex(plaintextHex));
    const parsed = new SenderKeyMessage(null, null, null, null, ciphertext);
    results.push({ ciphertextHex: toHex(ciphertext), keyId: parsed.getKeyId(), iteration: parsed.getIteration() });
  }
  return results;
}

function groupDecryptMany({ party: number, groupId, senderAddress, ciphertextsHex }) {
  const cipher = new GroupCipher(party(number), senderKeyName(groupId, senderAddress));
  return settle(ciphertextsHex, async (hex) => ({ plaintextHex: toHex(await cipher.decrypt(fromHex(hex))) }));
}

function groupState({ party: number, groupId, senderAddress }) {
  const record = party(number).loadSenderKey(senderKeyName(groupId, senderAddress));
  return {
    states: record.serialize().map((state) => ({
      keyId: state.senderKeyId,
      iteration: state.senderChainKey.iteration,
      messageKeys: state.senderMessageKeys.length,
    })),
  };
}

// ---- curve ----

function sign({ messageHex, privateKeyHex }) {
  const keyPair = privateKeyHex
    ? { privKey: fromHex(privateKeyHex), pubKey: curve.getPublicFromPrivateKey(fromHex(privateKeyHex)) }
    : curve.generateKeyPair();
  const signature = curve.calculateSignature(keyPair.privKey, fromHex(messageHex));
  return { publicKeyHex: toHex(withoutType(keyPair.pubKey)), signatureHex: toHex(signature) };
}

// curve.verifySignature RETURNS false for a wrong signature and throws only on malformed input
// (key or signature length); the verdict is its return value.
function verify({ publicKeyHex, messageHex, signatureHex }) {
  try {
    const valid = curve.verifySignature(withType(fromHex(publicKeyHex)), fromHex(messageHex), fromHex(signatureHex));
    return { valid: valid === true };
  } catch (error) {
    return { valid: false, error: errorSummary(error) };
  }
}

function makeSignedPreKey({ keyId }) {
  const identity = keyhelper.generateIdentityKeyPair();
  const signed = keyhelper.generateSignedPreKey(identity, keyId);
  return {
    identityKeyHex: toHex(withoutType(identity.pubKey)),
    keyId: signed.keyId,
    publicKeyHex: toHex(withoutType(signed.keyPair.pubKey)),
    signatureHex: toHex(signed.signature),
  };
}

runPeer({
  init,
  bundle,
  preKeys: ({ party: number }) => ({ remaining: [...party(number).preKeys.keys()] }),
  processBundle,
  encrypt: async ({ party: number, address: remote, plaintextHex }) =>
    encryptOne(new SessionCipher(party(number), address(remote)), plaintextHex),
  encryptMany,
  decrypt: async ({ party: number, address: remote, type, bodyHex }) =>
    decryptOne(new SessionCipher(party(number), address(remote)), { type, bodyHex }),
  decryptMany: ({ party: number, address: remote, messages }) => {
    const cipher = new SessionCipher(party(number), address(remote));
    return settle(messages, (message) => decryptOne(cipher, message));
  },
  session,
  deleteSession: ({ party: number, address: remote }) => {
    party(number).sessions.delete(remote);
    return null;
  },
  groupCreate,
  groupProcess,
  groupReset: ({ party: number, groupId }) => {
    const p = party(number);
    p.senderKeys.delete(new SenderKeyName(groupId, p.address).toString());
    return null;
  },
  groupEncrypt: async ({ party: number, groupId, plaintextHex }) =>
    (await groupEncryptMany({ party: number, groupId, plaintextsHex: [plaintextHex] }))[0],
  groupEncryptMany,
  groupDecrypt: async ({ party: number, groupId, senderAddress, ciphertextHex }) => {
    const cipher = new GroupCipher(party(number), senderKeyName(groupId, senderAddress));
    return { plaintextHex: toHex(await cipher.decrypt(fromHex(ciphertextHex))) };
  },
  groupDecryptMany,
  groupState,
  sign,
  verify,
  baileysVerify: ({ publicKeyHex, messageHex, signatureHex }) =>
    ({ valid: Curve.verify(fromHex(publicKeyHex), fromHex(messageHex), fromHex(signatureHex)) }),
  makeSignedPreKey,
});
