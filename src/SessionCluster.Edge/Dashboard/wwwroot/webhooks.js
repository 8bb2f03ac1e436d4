// Webhook lag, from the public API: a webhook's cursors (GET …/webhooks/{wid}/cursors: per session, the last seq
// acknowledged, dead-lettered or passed over) and the session's events after that cursor (GET …/events), counted when
// the webhook takes them (its event filter, written at or after its creation, and what its format posts). Pending =
// those not yet done; the oldest one's age is how far behind delivery is. Dead letters: GET …/dead-letters.
import { el, age, note } from './dom.js';
import { path } from './api.js';

const ReadLimit = 100;
const CloudStatuses = new Set(['sent', 'delivered', 'read', 'failed']);
const CloudKinds = new Set(['text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'location', 'live_location', 'contacts']);

export class WebhooksPanel {
  constructor(api, root, sessions) {
    this.api = api;
    this.sessions = sessions;
    this.rows = root.querySelector('#webhook-list tbody');
    this.note = root.querySelector('#webhooks-note');
    root.querySelector('#webhooks-refresh').addEventListener('click', () => this.refresh());
  }

  async refresh(selected) {
    try {
      const tenantWide = (await this.api.get('/v1/webhooks')).webhooks;
      const ofSession = selected ? (await this.api.get(path`/v1/sessions/${selected}/webhooks`)).webhooks : [];
      const rows = [];
      for (const webhook of [...tenantWide, ...ofSession]) {
        rows.push(...await this.lag(webhook, webhook.session ? [webhook.session] : this.sessions.ids()));
      }
      this.rows.replaceChildren(...rows);
      note(this.note, tenantWide.length + ofSession.length === 0
        ? 'No webhooks for the tenant' + (selected ? ` or the session ${selected}.` : '.')
        : `Read at ${new Date().toLocaleTimeString()}.`);
    } catch (error) {
      note(this.note, `Could not read the webhooks: ${error.message}`, true);
    }
  }

  async lag(webhook, sessionIds) {
    const base = webhook.session ? path`/v1/sessions/${webhook.session}/webhooks/${webhook.id}` : path`/v1/webhooks/${webhook.id}`;
    const cursors = new Map((await this.api.get(`${base}/cursors`)).cursors.map(c => [c.session, c.ackedSeq]));
    const dead = (await this.api.get(`${base}/dead-letters?limit=1000`)).deadLetters;
    const rows = [];
    for (const id of sessionIds) {
      const acked = cursors.get(id) ?? 0;
      const last = this.sessions.get(id)?.lastEventSeq ?? 0;
      let pending = [];
      let more = false;
      if (last > acked) {
        const page = await this.api.get(path`/v1/sessions/${id}/events` + `?after=${acked}&limit=${ReadLimit}`);
        pending = page.events.filter(e => takes(webhook, e));
        more = page.events.length === ReadLimit;
      }
      const deadHere = dead.filter(d => d.session === id).length;
      if (!cursors.has(id) && pending.length === 0 && deadHere === 0) continue;
      rows.push(el('tr', { 'data-webhook': webhook.id, 'data-session': id, 'data-pending': pending.length },
        el('th', { scope: 'row' }, `${webhook.url} (${webhook.format})`),
        el('td', {}, id),
        el('td', { class: 'number' }, acked),
        el('td', { class: 'number' }, `${pending.length}${more ? '+' : ''}`),
        el('td', {}, pending.length > 0 ? age(pending[0].at) : '—'),
        el('td', { class: 'number' }, deadHere)));
    }
    return rows;
  }
}

// What the node's webhook lane posts (docs/API.md "Webhooks"): events from the webhook's creation on, of the types
// it names, and for the cloud format only the messages and statuses Meta's envelope carries.
function takes(webhook, event) {
  if (new Date(event.at) < new Date(webhook.createdAt)) return false;
  if (!webhook.events.some(pattern => pattern === '*' || pattern === event.type ||
      (pattern.endsWith('.*') && event.type.startsWith(pattern.slice(0, -1))))) return false;
  if (webhook.format !== 'cloud') return true;
  const p = event.payload;
  switch (event.type) {
    case 'message.received': return !p.fromMe && CloudKinds.has(p.type);
    case 'message.reaction': return !p.fromMe;
    case 'message.status': return CloudStatuses.has(p.status);
    default: return false;
  }
}
