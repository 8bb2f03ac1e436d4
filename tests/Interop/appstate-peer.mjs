// App-state sync through Baileys and whatsapp-rust-bridge, for the cross-checks in
// tests/SessionCluster.Interop.Tests/AppState: key expansion and LTHash from the bridge (a Rust
// implementation), patch encoding and decoding from Baileys' chat-utils (encodeSyncdPatch, decodePatches,
// decodeSyncdSnapshot).
// Bytes travel as base64. A state is {version, hash, indexValueMap: {base64 indexMac: base64 valueMac}}.

import { encodeSyncdPatch, decodePatches, decodeSyncdSnapshot, proto } from 'baileys';
import { expandAppStateKeys, LTHashAntiTampering } from 'whatsapp-rust-bridge';
import { runPeer } from './peer-protocol.mjs';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const bytes = (text) => Buffer.from(text, 'base64');

function toState(json) {
  const indexValueMap = {};
  for (const [index, valueMac] of Object.entries(json.indexValueMap || {})) {
    indexValueMap[index] = { valueMac: bytes(valueMac) };
  }
  return { version: json.version, hash: bytes(json.hash), indexValueMap };
}

function fromState(state) {
  const indexValueMap = {};
  for (const [index, { valueMac }] of Object.entries(state.indexValueMap)) {
    indexValueMap[index] = b64(valueMac);
  }
  return { version: state.version, hash: b64(state.hash), indexValueMap };
}

const keyLookup = (keyId, keyData) => async (id) => (id === keyId ? { keyData: bytes(keyData) } : undefined);

runPeer({
  expand: ({ keyData }) => {
    const keys = expandAppStateKeys(bytes(keyData));
    return {
      index: b64(keys.indexKey),
      valueEncryption: b64(keys.valueEncryptionKey),
      valueMac: b64(keys.valueMacKey),
      snapshotMac: b64(keys.snapshotMacKey),
      patchMac: b64(keys.patchMacKey),
    };
  },
  ltHash: ({ base, subtract, add }) =>
    b64(new LTHashAntiTampering().subtractThenAdd(bytes(base), subtract.map(bytes), add.map(bytes))),
  // One mutation, as chatModify writes it. syncAction is SyncActionValue JSON (proto.fromObject).
  encode: async ({ keyId, keyData, name, state, index, syncAction, apiVersion, remove }) => {
    const { patch, state: next } = await encodeSyncdPatch(
      {
        type: name,
        index,
        syncAction: proto.SyncActionValue.fromObject(syncAction),
        apiVersion,
        operation: remove ? proto.SyncdMutation.SyncdOperation.REMOVE : proto.SyncdMutation.SyncdOperation.SET,
      },
      keyId,
      toState(state),
      keyLookup(keyId, keyData),
    );
    return { patch: b64(proto.SyncdPatch.encode(patch).finish()), state: fromState(next) };
  },
  // Decodes one patch with every MAC check on; Baileys only logs a failed check, so warnings come back too.
  decode: async ({ keyId, keyData, name, state, patch, version }) => {
    const syncd = proto.SyncdPatch.decode(bytes(patch));
    if (!syncd.version) {
      syncd.version = { version };
    }
    const warnings = [];
    const logger = {
      warn: (data, message) => warnings.push(message),
      trace: () => {},
      debug: () => {},
      info: () => {},
    };
    const { state: next, mutationMap } = await decodePatches(
      name, [syncd], toState(state), keyLookup(keyId, keyData), undefined, undefined, logger, true);
    const mutations = Object.values(mutationMap).map((m) => ({
      index: m.index,
      value: proto.SyncActionValue.toObject(m.syncAction.value, { longs: Number, bytes: String }),
      version: m.syncAction.version,
    }));
    return { state: fromState(next), mutations, warnings };
  },
  // Decodes one SyncdSnapshot (its bytes, as downloaded and decrypted) with every MAC check on; warnings come back too.
  decodeSnapshot: async ({ keyId, keyData, name, snapshot }) => {
    const warnings = [];
    const logger = { warn: (data, message) => warnings.push(message), trace: () => {}, debug: () => {}, info: () => {} };
    const { state, mutationMap } = await decodeSyncdSnapshot(
      name, proto.SyncdSnapshot.decode(bytes(snapshot)), keyLookup(keyId, keyData), undefined, true, logger);
    const mutations = Object.values(mutationMap).map((m) => ({
      index: m.index,
      value: proto.SyncActionValue.toObject(m.syncAction.value, { longs: Number, bytes: String }),
      version: m.syncAction.version,
    }));
    return { state: fromState(state), mutations, warnings };
  },
});
