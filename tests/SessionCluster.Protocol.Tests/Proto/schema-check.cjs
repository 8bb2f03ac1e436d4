// Cross-checks proto/wa against WhatsApp's schema as published by Baileys
// (tests/Interop/node_modules/baileys/WAProto/WAProto.proto) and, if given, by
// whatsmeow (path to a checkout's proto/ directory). For every message and enum we
// define, each field number must have the same type, label and (case-insensitive)
// name there, and each enum value the same number. Run from the repository root:
//
//   node tests/SessionCluster.Protocol.Tests/Proto/schema-check.cjs [whatsmeow/proto]
//
// Prints conflicts (exit code 1) and, as notes, what a source lacks (Baileys'
// schema is older than whatsmeow's, so it misses some newer fields).
const fs = require('fs');
const path = require('path');
const repo = path.resolve(__dirname, '../../..');
const pb = require(path.join(repo, 'tests/Interop/node_modules/protobufjs'));

function load(files, roots) {
  const root = new pb.Root();
  root.resolvePath = (origin, target) => {
    for (const r of roots) { const p = path.join(r, target); if (fs.existsSync(p)) return p; }
    return pb.util.path.resolve(origin, target);
  };
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

function types(ns, out = []) {
  for (const o of ns.nestedArray || []) {
    if (o instanceof pb.Type || o instanceof pb.Enum) out.push(o);
    if (o.nestedArray) types(o, out);
  }
  return out;
}

// Path below the package, e.g. "CertChain.NoiseCertificate.Details".
function localPath(t) {
  const parts = [];
  for (let o = t; o instanceof pb.Type || o instanceof pb.Enum; o = o.parent) parts.unshift(o.name);
  return parts.join('.');
}

function indexOf(root) {
  const m = new Map();
  for (const t of types(root)) { const k = localPath(t); if (!m.has(k)) m.set(k, []); m.get(k).push(t); }
  return m;
}

// Every definition that may be ours under another scope: the same path (Baileys nests
// most end-to-end types under Message), else the same path under some outer type.
// Several packages reuse names (whatsmeow has more than one Reaction), so the caller
// compares against each candidate and keeps the one that agrees best.
function candidates(idx, lp) {
  const exact = [...(idx.get(lp) || []), ...(idx.get('Message.' + lp) || [])];
  if (exact.length) return exact;
  return [...idx.keys()].filter(k => k.endsWith('.' + lp)).flatMap(k => idx.get(k));
}

const typeName = f => (f.resolvedType ? f.resolvedType.name : f.type);

const ours = load(
  fs.readdirSync(path.join(repo, 'proto/wa')).filter(f => f.endsWith('.proto')).map(f => 'wa/' + f),
  [path.join(repo, 'proto')]);
const sources = [['Baileys', load([path.join(repo, 'tests/Interop/node_modules/baileys/WAProto/WAProto.proto')], ['/']), false]];
if (process.argv[2]) {
  const dir = path.resolve(process.argv[2]);
  const files = [];
  (function walk(d) {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p); else if (p.endsWith('.proto')) files.push(path.relative(dir, p));
    }
  })(dir);
  sources.push(['whatsmeow', load(files, [dir]), true]);
}

let conflicts = 0, notes = 0, checked = 0;
const conflict = s => { console.log('CONFLICT ' + s); conflicts++; };
const note = s => { console.log('note     ' + s); notes++; };
function compare(label, lp, t, other, protobufPacking) {
  const found = [];
  if (t instanceof pb.Enum) {
    for (const [name, value] of Object.entries(t.values)) {
      if (other.values[name] === undefined) found.push(['note', `${label} lacks ${lp}.${name}`]);
      else if (other.values[name] !== value) found.push(['conflict', `${label} ${lp}.${name} = ${other.values[name]}, ours ${value}`]);
    }
    return found;
  }
  for (const f of t.fieldsArray) {
    const o = other.fieldsArray.find(x => x.id === f.id);
    if (!o) { found.push(['note', `${label} lacks ${lp}.${f.name} = ${f.id}`]); continue; }
    const diffs = [];
    if (o.name.toLowerCase() !== f.name.toLowerCase()) diffs.push(`name ${o.name}`);
    if (typeName(o) !== typeName(f)) diffs.push(`type ${typeName(o)}, ours ${typeName(f)}`);
    if (o.repeated !== f.repeated) diffs.push('repeated differs');
    // Baileys' schema is proto3, where repeated scalars are packed by default; only
    // whatsmeow's proto2 schema says what WhatsApp itself packs.
    if (protobufPacking && f.repeated && pb.types.packed[f.type] !== undefined && !!o.packed !== !!f.packed) diffs.push(`packed ${!!o.packed}, ours ${!!f.packed}`);
    if (diffs.length) found.push(['conflict', `${label} ${lp}.${f.name} = ${f.id}: ${diffs.join('; ')}`]);
  }
  return found;
}

for (const [label, root, protobufPacking] of sources) {
  const idx = indexOf(root);
  for (const t of types(ours)) {
    const lp = localPath(t);
    checked += t instanceof pb.Enum ? Object.keys(t.values).length : t.fieldsArray.length;
    const results = candidates(idx, lp).map(other => compare(label, lp, t, other, protobufPacking));
    if (!results.length) { note(`${label} has no ${lp}`); continue; }
    const score = r => r.filter(([kind]) => kind === 'conflict').length * 1000 + r.length;
    const best = results.reduce((a, b) => (score(b) < score(a) ? b : a));
    for (const [kind, text] of best) (kind === 'conflict' ? conflict : note)(text);
  }
}
console.log(`${checked} fields and enum values checked, ${conflicts} conflicts, ${notes} notes`);
process.exit(conflicts ? 1 : 0);
