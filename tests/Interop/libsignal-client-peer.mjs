// @signalapp/libsignal-client 0.103.0 (Signal's own Rust libsignal, through its Node bindings) behind
// the JSON-lines peer protocol, for tests/SessionCluster.Interop.Tests/Signal. See
// docs/SIGNAL-INTEROP.md for what this version will and will not do with a v3 (X3DH) engine:
// its bundles require a Kyber prekey, it refuses X3DH PreKeySignalMessages, and the sessions it
// starts send version-4 (PQXDH) messages. So this peer checks those refusals, parses our wire
// messages with a second parser, and cross-checks the primitives (XEdDSA, X25519, HKDF).
//
// The package ships abstract stores only; the in-memory ones below are the minimum its calls need.
// Keys travel as lowercase hex of the raw 32 bytes unless a name says "serialized" (0x05 || key).
//
// ops:
//   init({ registrationId? }) -> { party, address, registrationId, identityKeyHex, signedPreKeyId, signedPreKeyHex,
//        signedPreKeySignatureHex, preKeyId, preKeyHex, kyberPreKeyId, kyberPreKeySerializedHex, kyberPreKeySignatureHex }
//   bundleWithoutKyber({ bundle }) -> { ok, error? }           PreKeyBundle.new with the Kyber arguments null
//   decryptPreKey({ party, address, bodyHex }) -> { parsed: { version, registrationId, preKeyId, signedPreKeyId } | null,
//        parseError?, decrypt: { ok, plaintextHex? , error? } }
//   parseSignalMessage({ bodyHex }) -> { ok, version?, counter?, error? }
//   kyberKeyPair() -> { handle, publicKeySerializedHex }      a KEM key pair for a bundle of ours
//   initiate({ bundle, kyberHandle, kyberPreKeyId, kyberSignatureHex, plaintextHex })
//        -> { type, bodyHex }                                  processPreKeyBundle + signalEncrypt, a fresh local party
//   sign({ privateKeyHex?, messageHex }) -> { publicKeyHex, signatureHex }    PrivateKey.sign
//   verify({ publicKeyHex, messageHex, signatureHex }) -> { valid, error? }    PublicKey.verify
//   publicKeyOf({ privateKeyHex }) -> { publicKeyHex }
//   agree({ privateKeyHex, publicKeyHex }) -> { sharedHex }                   PrivateKey.agree (X25519)
//   hkdf({ length, ikmHex, infoHex, saltHex|null }) -> { okmHex }
//   senderKeyDistribution() -> { skdmHex }                    libsignal-client's own SKDM (distribution id + chain id)
//   parseSenderKeyDistribution({ skdmHex }) -> { ok, iteration?, chainId?, error? }

import { randomUUID } from 'node:crypto';
import * as Signal from '@signalapp/libsignal-client';
import { runPeer } from './peer-protocol.mjs';
import { errorSummary, fromHex, toHex, withType } from './signal-peer-support.mjs';

class Sessions extends Signal.SessionStore {
  records = new Map();
  async saveSession(name, record) { this.records.set(name.toString(), record.serialize()); }
  async getSession(name) {
    const stored = this.records.get(name.toString());
    return stored ? Signal.SessionRecord.deserialize(stored) : null;
  }
  async getExistingSessions(names) { return Promise.all(names.map((name) => this.getSession(name))); }
}

class Identities extends Signal.IdentityKeyStore {
  known = new Map();
  constructor(privateKey, registrationId) {
    super();
    this.privateKey = privateKey;
    this.registrationId = registrationId;
  }
  async getIdentityKey() { return this.privateKey; }
  async getLocalRegistrationId() { return this.registrationId; }
  async saveIdentity(name, key) {
    const previous = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return previous && !previous.equals(key) ? Signal.IdentityChange.ReplacedExisting : Signal.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity() { return true; }
  async getIdentity(name) { return this.known.get(name.toString()) ?? null; }
}

class MapStore {
  map = new Map();
  get(id, what) {
    const found = this.map.get(id);
    if (!found) {
      throw new Error(`no ${what} ${id}`);
    }
    return found;
  }
}

class PreKeys extends Signal.PreKeyStore {
  store = new MapStore();
  async savePreKey(id, record) { this.store.map.set(id, record); }
  async getPreKey(id) { return this.store.get(id, 'prekey'); }
  async removePreKey(id) { this.store.map.delete(id); }
}

class SignedPreKeys extends Signal.SignedPreKeyStore {
  store = new MapStore();
  async saveSignedPreKey(id, record) { this.store.map.set(id, record); }
  async getSignedPreKey(id) { return this.store.get(id, 'signed prekey'); }
}

class KyberPreKeys extends Signal.KyberPreKeyStore {
  store = new MapStore();
  async saveKyberPreKey(id, record) { this.store.map.set(id, record); }
  async getKyberPreKey(id) { return this.store.get(id, 'kyber prekey'); }
  async markKyberPreKeyUsed() {}
}

class SenderKeys extends Signal.SenderKeyStore {
  map = new Map();
  async saveSenderKey(sender, distributionId, record) { this.map.set(`${sender}/${distributionId}`, record); }
  async getSenderKey(sender, distributionId) { return this.map.get(`${sender}/${distributionId}`) ?? null; }
}

const parties = new Map();
const kyberKeys = new Map();
let nextParty = 1;
let nextKyber = 1;

const publicKey = (hex) => Signal.PublicKey.deserialize(withType(fromHex(hex)));
const rawOf = (key) => toHex(key.getPublicKeyBytes());

function newParty(registrationId) {
  const number = nextParty++;
  const identity = Signal.PrivateKey.generate();
  const party = {
    number,
    address: Signal.ProtocolAddress.new(`client${number}`, 1),
    identity,
    registrationId: registrationId ?? 1 + Math.floor(Math.random() * 16380),
    sessions: new Sessions(),
    preKeys: new PreKeys(),
    signedPreKeys: new SignedPreKeys(),
    kyberPreKeys: new KyberPreKeys(),
  };
  party.identities = new Identities(identity, party.registrationId);
  parties.set(number, party);
  return party;
}

function party(number) {
  const found = parties.get(number);
  if (!found) {
    throw new Error(`no party ${number}; call init first`);
  }
  return found;
}

async function init({ registrationId } = {}) {
  const p = newParty(registrationId);
  const signed = Signal.PrivateKey.generate();
  const signedSignature = p.identity.sign(signed.getPublicKey().serialize());
  await p.signedPreKeys.saveSignedPreKey(1, Signal.SignedPreKeyRecord.new(1, Date.now(), signed.getPublicKey(), signed, signedSignature));
  const preKey = Signal.PrivateKey.generate();
  await p.preKeys.savePreKey(1, Signal.PreKeyRecord.new(1, preKey.getPublicKey(), preKey));
  const kyber = Signal.KEMKeyPair.generate();
  const kyberSignature = p.identity.sign(kyber.getPublicKey().serialize());
  await p.kyberPreKeys.saveKyberPreKey(1, Signal.KyberPreKeyRecord.new(1, Date.now(), kyber, kyberSignature));
  return {
    party: p.number,
    address: p.address.toString(),
    registrationId: p.registrationId,
    identityKeyHex: rawOf(p.identity.getPublicKey()),
    signedPreKeyId: 1,
    signedPreKeyHex: rawOf(signed.getPublicKey()),
    signedPreKeySignatureHex: toHex(signedSignature),
    preKeyId: 1,
    preKeyHex: rawOf(preKey.getPublicKey()),
    kyberPreKeyId: 1,
    kyberPreKeySerializedHex: toHex(kyber.getPublicKey().serialize()),
    kyberPreKeySignatureHex: toHex(kyberSignature),
  };
}

/** Our bundle as libsignal-client's PreKeyBundle, with or without a Kyber prekey. */
function toBundle(b, kyber) {
  return Signal.PreKeyBundle.new(
    b.registrationId,
    1,
    b.preKeyId ?? null,
    b.preKeyId === null || b.preKeyId === undefined ? null : publicKey(b.preKeyHex),
    b.signedPreKeyId,
    publicKey(b.signedPreKeyHex),
    fromHex(b.signedPreKeySignatureHex),
    publicKey(b.identityKeyHex),
    kyber ? kyber.id : null,
    kyber ? kyber.publicKey : null,
    kyber ? kyber.signature : null,
  );
}

function bundleWithoutKyber({ bundle }) {
  try {
    toBundle(bundle, null);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorSummary(error) };
  }
}

async function decryptPreKey({ party: number, address, bodyHex }) {
  const p = party(number);
  const body = fromHex(bodyHex);
  let message;
  try {
    message = Signal.PreKeySignalMessage.deserialize(body);
  } catch (error) {
    return { parsed: null, parseError: errorSummary(error), decrypt: { ok: false, error: errorSummary(error) } };
  }
  const parsed = {
    version: message.version(),
    registrationId: message.registrationId(),
    preKeyId: message.preKeyId(),
    signedPreKeyId: message.signedPreKeyId(),
  };
  try {
    const plaintext = await Signal.signalDecryptPreKey(
      message, Signal.ProtocolAddress.new(...split(address)), p.address, p.sessions, p.identities, p.preKeys, p.signedPreKeys, p.kyberPreKeys);
    return { parsed, decrypt: { ok: true, plaintextHex: toHex(plaintext) } };
  } catch (error) {
    return { parsed, decrypt: { ok: false, error: errorSummary(error) } };
  }
}

function split(address) {
  const dot = address.lastIndexOf('.');
  if (dot < 0) {
    throw new Error(`an address is name.device, not ${address}`);
  }
  return [address.slice(0, dot), Number(address.slice(dot + 1))];
}

function parseSignalMessage({ bodyHex }) {
  try {
    const message = Signal.SignalMessage.deserialize(fromHex(bodyHex));
    return { ok: true, version: message.messageVersion(), counter: message.counter() };
  } catch (error) {
    return { ok: false, error: errorSummary(error) };
  }
}

function kyberKeyPair() {
  const handle = nextKyber++;
  const keyPair = Signal.KEMKeyPair.generate();
  kyberKeys.set(handle, keyPair);
  return { handle, publicKeySerializedHex: toHex(keyPair.getPublicKey().serialize()) };
}

async function initiate({ bundle, kyberHandle, kyberPreKeyId, kyberSignatureHex, plaintextHex }) {
  const keyPair = kyberKeys.get(kyberHandle);
  if (!keyPair) {
    throw new Error(`no kyber key pair ${kyberHandle}`);
  }
  const p = newParty();
  const remote = Signal.ProtocolAddress.new('csharp', 1);
  const preKeyBundle = toBundle(bundle, { id: kyberPreKeyId, publicKey: keyPair.getPublicKey(), signature: fromHex(kyberSignatureHex) });
  await Signal.processPreKeyBundle(preKeyBundle, remote, p.address, p.sessions, p.identities);
  const message = await Signal.signalEncrypt(fromHex(plaintextHex), remote, p.address, p.sessions, p.identities);
  const type = message.type() === Signal.CiphertextMessageType.PreKey ? 'pkmsg' : message.type() === Signal.CiphertextMessageType.Whisper ? 'msg' : `type ${message.type()}`;
  return { type, bodyHex: toHex(message.serialize()) };
}

function sign({ privateKeyHex, messageHex }) {
  const key = privateKeyHex ? Signal.PrivateKey.deserialize(fromHex(privateKeyHex)) : Signal.PrivateKey.generate();
  return { publicKeyHex: rawOf(key.getPublicKey()), signatureHex: toHex(key.sign(fromHex(messageHex))) };
}

function verify({ publicKeyHex, messageHex, signatureHex }) {
  try {
    return { valid: publicKey(publicKeyHex).verify(fromHex(messageHex), fromHex(signatureHex)) === true };
  } catch (error) {
    return { valid: false, error: errorSummary(error) };
  }
}

async function senderKeyDistribution() {
  const sender = Signal.ProtocolAddress.new('client-sender', 1);
  const message = await Signal.SenderKeyDistributionMessage.create(sender, randomUUID(), new SenderKeys());
  return { skdmHex: toHex(message.serialize()) };
}

function parseSenderKeyDistribution({ skdmHex }) {
  try {
    const message = Signal.SenderKeyDistributionMessage.deserialize(fromHex(skdmHex));
    return { ok: true, iteration: message.iteration(), chainId: message.chainId() };
  } catch (error) {
    return { ok: false, error: errorSummary(error) };
  }
}

runPeer({
  init,
  bundleWithoutKyber,
  decryptPreKey,
  parseSignalMessage,
  kyberKeyPair,
  initiate,
  sign,
  verify,
  publicKeyOf: ({ privateKeyHex }) => ({ publicKeyHex: rawOf(Signal.PrivateKey.deserialize(fromHex(privateKeyHex)).getPublicKey()) }),
  agree: ({ privateKeyHex, publicKeyHex }) =>
    ({ sharedHex: toHex(Signal.PrivateKey.deserialize(fromHex(privateKeyHex)).agree(publicKey(publicKeyHex))) }),
  hkdf: ({ length, ikmHex, infoHex, saltHex }) =>
    ({ okmHex: toHex(Signal.hkdf(length, fromHex(ikmHex), fromHex(infoHex), saltHex === null || saltHex === undefined ? null : fromHex(saltHex))) }),
  senderKeyDistribution,
  parseSenderKeyDistribution,
});
