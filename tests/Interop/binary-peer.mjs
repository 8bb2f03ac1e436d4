// Baileys' binary-XML codec (lib/WABinary) behind the JSON-lines peer protocol, for
// tests/SessionCluster.Interop.Tests/Binary. Nodes travel in the canonical JSON form of
// tests/Shared/NodeJson.cs:
//   {"tag":"iq","attrs":[["id","1"],...],"content":null | {"text":"..."} | {"bytes":"<hex>"} | {"children":[...]}}
// Frames travel as lowercase hex and include the leading 0x00 flag byte.

import { decodeBinaryNode, encodeBinaryNode } from 'baileys/lib/WABinary/index.js';
import { DOUBLE_BYTE_TOKENS, SINGLE_BYTE_TOKENS } from 'baileys/lib/WABinary/constants.js';
import { runPeer } from './peer-protocol.mjs';

/** Canonical JSON → the BinaryNode shape Baileys' encoder takes. */
function toBaileys(json) {
  if (json === null || typeof json !== 'object' || typeof json.tag !== 'string') {
    throw new Error(`not a node: ${JSON.stringify(json)?.slice(0, 200)}`);
  }
  // Baileys writes attributes in Object.keys order. defineProperty keeps even "__proto__" an own key.
  const attrs = {};
  for (const [key, value] of json.attrs ?? []) {
    if (Object.hasOwn(attrs, key)) {
      throw new Error(`duplicate attribute "${key}" cannot be represented in a Baileys node`);
    }
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const wanted = (json.attrs ?? []).map(([key]) => key);
  const actual = Object.keys(attrs);
  if (wanted.some((key, i) => actual[i] !== key)) {
    // JavaScript objects list integer-like keys first, so such an order cannot reach Baileys.
    throw new Error(`attribute order [${wanted}] cannot be represented in a JS object (it iterates as [${actual}])`);
  }

  const node = { tag: json.tag, attrs };
  const content = json.content;
  if (content === null || content === undefined) {
    return node;
  }
  if (typeof content.text === 'string') {
    node.content = content.text;
  } else if (typeof content.bytes === 'string') {
    node.content = Buffer.from(content.bytes, 'hex');
  } else if (Array.isArray(content.children)) {
    node.content = content.children.map(toBaileys);
  } else {
    throw new Error(`unknown content form: ${JSON.stringify(content).slice(0, 200)}`);
  }
  return node;
}

/** A node from Baileys' decoder → canonical JSON. */
function fromBaileys(node) {
  const attrs = Object.entries(node.attrs ?? {}).map(([key, value]) => {
    if (typeof value !== 'string') {
      throw new Error(`attribute "${key}" decoded to a ${typeof value}, not a string`);
    }
    return [key, value];
  });
  let content = null;
  if (node.content === undefined) {
    content = null;
  } else if (Buffer.isBuffer(node.content) || node.content instanceof Uint8Array) {
    content = { bytes: Buffer.from(node.content).toString('hex') };
  } else if (typeof node.content === 'string') {
    content = { text: node.content };
  } else if (Array.isArray(node.content)) {
    content = { children: node.content.map(fromBaileys) };
  } else {
    throw new Error(`content of <${node.tag}> decoded to an unexpected ${typeof node.content}`);
  }
  return { tag: node.tag, attrs, content };
}

const encode = (json) => encodeBinaryNode(toBaileys(json)).toString('hex');
const decode = async (hex) => fromBaileys(await decodeBinaryNode(Buffer.from(hex, 'hex')));

/** Runs every item, so that one failure does not hide the rest of a batch. */
async function eachSettled(items, work) {
  const results = [];
  for (const item of items) {
    try {
      results.push({ ok: true, value: await work(item) });
    } catch (error) {
      results.push({ ok: false, error: error instanceof Error ? error.stack || error.message : String(error) });
    }
  }
  return results;
}

runPeer({
  /** {node} → {hex}: Baileys' encodeBinaryNode, flag byte included. */
  encode: ({ node }) => ({ hex: encode(node) }),
  /** {hex} → {node}: Baileys' decodeBinaryNode of a frame with its flag byte. */
  decode: async ({ hex }) => ({ node: await decode(hex) }),
  /** {nodes:[...]} → {results:[{ok,value:hex}|{ok:false,error}]} */
  encodeBatch: async ({ nodes }) => ({ results: await eachSettled(nodes, encode) }),
  /** {hexes:[...]} → {results:[{ok,value:node}|{ok:false,error}]} */
  decodeBatch: async ({ hexes }) => ({ results: await eachSettled(hexes, decode) }),
  /** → {single:[236 strings], double:[4 × 256 strings]} */
  tokens: () => ({ single: SINGLE_BYTE_TOKENS, double: DOUBLE_BYTE_TOKENS }),
});
