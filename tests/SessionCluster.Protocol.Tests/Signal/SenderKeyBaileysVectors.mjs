// Regenerates the Baileys vectors in GroupCipherBaileysVectorTests.cs: a SenderKeyDistributionMessage and
// the first messages of Baileys' own group cipher (7.0.0-rc14), which moves its iteration 0, 2, 4, ….
// Run from the repository root after `npm ci` in tests/Interop:
//   node tests/SessionCluster.Protocol.Tests/Signal/SenderKeyBaileysVectors.mjs
import { GroupCipher, GroupSessionBuilder, SenderKeyName, SenderKeyRecord, SenderKeyDistributionMessage } from '../../Interop/node_modules/baileys/lib/Signal/Group/index.js';

const records = new Map();
const store = {
    loadSenderKey: async (name) => records.get(name.toString()) ?? new SenderKeyRecord(),
    storeSenderKey: async (name, record) => { records.set(name.toString(), record); },
};

const sender = new SenderKeyName('120363000000000000@g.us', { id: '15550001111', deviceId: 0 });
const skdm = await new GroupSessionBuilder(store).create(sender);
const messages = [];
for (let i = 0; i < 4; i++) {
    const plaintext = Buffer.from(`baileys group message ${i}`);
    const ciphertext = await new GroupCipher(store, sender).encrypt(plaintext);
    messages.push({ plaintext: plaintext.toString('hex'), ciphertext: Buffer.from(ciphertext).toString('hex') });
}

// Sanity: Baileys itself reads them back on a receiving record built from the distribution.
let receiverRecord = new SenderKeyRecord();
const receiverStore = {
    loadSenderKey: async () => receiverRecord,
    storeSenderKey: async (_, record) => { receiverRecord = record; },
};
await new GroupSessionBuilder(receiverStore).process(sender, new SenderKeyDistributionMessage(null, null, null, null, skdm.serialize()));
for (const m of messages) {
    const plain = await new GroupCipher(receiverStore, sender).decrypt(Buffer.from(m.ciphertext, 'hex'));
    if (Buffer.from(plain).toString('hex') !== m.plaintext) throw new Error('Baileys failed to read its own message');
}

console.log(JSON.stringify({ distribution: Buffer.from(skdm.serialize()).toString('hex'), messages }, null, 2));
