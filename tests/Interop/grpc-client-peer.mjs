// @grpc/grpc-js (with @grpc/proto-loader reading proto/api/sessioncluster/v1) as an independent gRPC client of the
// node, for tests/SessionCluster.Interop.Tests/Edge/GrpcJsInteropTests.cs. grpc-js speaks HTTP/2 with prior knowledge
// (h2c) to an insecure target, which is what the node's one cleartext port has to accept beside HTTP/1.1.
//
// ops (every unary op answers { ok: response } or { error: { code, codeName, details, problemCode, retryAfter } }):
//   connect({ name, target, key })            a client set for host:port with `authorization: Bearer key`
//   createSession({ via, id })                Sessions.Create
//   getSession({ via, id })                   Sessions.Get
//   listSessions({ via })                     Sessions.List
//   getQr({ via, session })                   Sessions.GetQr
//   sendText({ via, session, idempotencyKey, to, text })   Messages.Send
//   getMessage({ via, session, id })          Messages.Get
//   subscribe({ via, sessions, types, after, count, untilType, untilPayload })
//       Events.Subscribe, read until `count` events or an event of `untilType` whose payload has every member of
//       `untilPayload`, then cut by cancelling the call; answers the events read, { session, seq, id, type, at, payload }
//       (int64s as decimal strings on the wire, seq as a number here)

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { runPeer } from './peer-protocol.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.join(here, '..', '..', 'proto', 'api');
const definition = protoLoader.loadSync(['sessions.proto', 'messages.proto', 'events.proto'].map((file) => path.join(protoRoot, 'sessioncluster', 'v1', file)), {
  includeDirs: [protoRoot],
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const api = grpc.loadPackageDefinition(definition).sessioncluster.v1;
const clients = new Map();
const callTimeoutMs = 30_000;

function client(via) {
  const found = clients.get(via);
  if (!found) {
    throw new Error(`no connection "${via}"; call connect first`);
  }
  return found;
}

function describe(error) {
  const first = (name) => {
    const values = error.metadata ? error.metadata.get(name) : [];
    return values.length > 0 ? String(values[0]) : null;
  };
  return {
    code: error.code,
    codeName: grpc.status[error.code] ?? String(error.code),
    details: error.details ?? String(error),
    problemCode: first('problem-code'),
    retryAfter: first('retry-after'),
  };
}

function unary(via, service, method, request) {
  const { stubs, metadata } = client(via);
  return new Promise((resolve) => {
    stubs[service][method](request, metadata(), { deadline: Date.now() + callTimeoutMs }, (error, response) => {
      resolve(error ? { error: describe(error) } : { ok: response });
    });
  });
}

function matches(event, untilType, untilPayload) {
  if (!untilType || event.type !== untilType) {
    return false;
  }
  return Object.entries(untilPayload ?? {}).every(([key, value]) => String(event.payload[key]) === String(value));
}

runPeer({
  connect: ({ name, target, key }) => {
    const credentials = grpc.credentials.createInsecure();
    const stubs = {
      sessions: new api.Sessions(target, credentials),
      messages: new api.Messages(target, credentials),
      events: new api.Events(target, credentials),
    };
    const metadata = () => {
      const m = new grpc.Metadata();
      m.set('authorization', `Bearer ${key}`);
      return m;
    };
    clients.set(name, { stubs, metadata });
    return name;
  },
  createSession: ({ via, id }) => unary(via, 'sessions', 'Create', { id }),
  getSession: ({ via, id }) => unary(via, 'sessions', 'Get', { id }),
  listSessions: ({ via }) => unary(via, 'sessions', 'List', {}),
  getQr: ({ via, session }) => unary(via, 'sessions', 'GetQr', { session }),
  sendText: ({ via, session, idempotencyKey, to, text }) =>
    unary(via, 'messages', 'Send', { session, idempotencyKey, to, type: 'text', text }),
  getMessage: ({ via, session, id }) => unary(via, 'messages', 'Get', { session, id }),
  subscribe: ({ via, sessions = [], types = [], after = {}, count = 0, untilType = null, untilPayload = null }) => {
    const { stubs, metadata } = client(via);
    const request = { sessions, types, after: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, String(v)])) };
    return new Promise((resolve, reject) => {
      const read = [];
      let cut = false;
      const call = stubs.events.Subscribe(request, metadata());
      call.on('data', (e) => {
        if (cut) {
          return;
        }
        const event = { session: e.session, seq: Number(e.seq), id: e.id, type: e.type, at: e.at, payload: JSON.parse(e.payloadJson) };
        read.push(event);
        if ((count > 0 && read.length >= count) || matches(event, untilType, untilPayload)) {
          cut = true;
          call.cancel();
        }
      });
      call.on('error', (error) => {
        if (cut && error.code === grpc.status.CANCELLED) {
          resolve({ ok: read });
        } else {
          resolve({ error: describe(error), read });
        }
      });
      call.on('end', () => {
        if (!cut) {
          reject(new Error(`the stream ended by itself after ${read.length} events`));
        }
      });
    });
  },
});
