// The tenant's sessions (GET /v1/sessions, one page of up to 500) with their status and last activity (the time of
// each session's newest event, GET /v1/sessions/{id}/events), kept live by the event stream; creating a session
// (POST /v1/sessions).
import { el, badge, when, note } from './dom.js';
import { path } from './api.js';

const PageSize = 500;
const ParallelReads = 6;

export class SessionsPanel {
  constructor(api, root, { onSelect, onUpdate }) {
    this.api = api;
    this.onSelect = onSelect;
    this.onUpdate = onUpdate;
    this.rows = root.querySelector('#session-list tbody');
    this.note = root.querySelector('#sessions-note');
    this.sessions = new Map();
    this.complete = true;
    this.selected = null;
    root.querySelector('#create-form').addEventListener('submit', event => this.create(event));
  }

  async load() {
    const page = await this.api.get(`/v1/sessions?limit=${PageSize}`);
    this.complete = page.next === null;
    this.sessions = new Map(page.sessions.map(s => [s.id, { ...s, lastAt: null }]));
    note(this.note, this.complete ? `${this.sessions.size} sessions.` : `The first ${PageSize} sessions (by id).`);
    this.render();
    await this.readLastActivity([...this.sessions.values()]);
    this.render();
  }

  ids() {
    return [...this.sessions.keys()];
  }

  get(id) {
    return this.sessions.get(id);
  }

  // The stream follows every session of the tenant when they all fit in one page (new ones appear live), else the listed ones.
  cursors() {
    return [...this.sessions.values()].map(s => [s.id, s.lastEventSeq]);
  }

  names() {
    return this.complete ? null : [...this.sessions.keys()];
  }

  async readLastActivity(sessions) {
    const queue = sessions.filter(s => s.lastEventSeq > 0);
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const page = await this.api.get(path`/v1/sessions/${s.id}/events` + `?after=${s.lastEventSeq - 1}&limit=1`).catch(() => null);
        const last = page?.events.at(-1);
        if (last && !s.lastAt) s.lastAt = last.at;
      }
    };
    await Promise.all(Array.from({ length: ParallelReads }, worker));
  }

  async create(event) {
    event.preventDefault();
    const input = event.target.elements.id;
    try {
      const session = await this.api.post('/v1/sessions', input.value ? { id: input.value } : {});
      input.value = '';
      this.sessions.set(session.id, { ...session, lastAt: session.createdAt });
      this.render();
      note(this.note, `Created ${session.id}.`);
      this.onSelect(session.id, true);
    } catch (error) {
      note(this.note, `Create failed: ${error.message}`, true);
    }
  }

  // An event of the live stream: the session's status, account and last activity.
  apply(event) {
    let session = this.sessions.get(event.session);
    if (!session) {
      session = { id: event.session, status: 'new', jid: null, lastEventSeq: 0, lastAt: null };
      this.sessions.set(event.session, session);
    }
    session.lastEventSeq = Math.max(session.lastEventSeq, event.seq);
    session.lastAt = event.at;
    if (event.type === 'session.status') {
      session.status = event.payload.status;
      if (session.status === 'connected' && !session.jid) this.refreshOne(session.id);
    }
    this.render();
    this.onUpdate(event.session);
  }

  async refreshOne(id) {
    const fresh = await this.api.get(path`/v1/sessions/${id}`).catch(() => null);
    const session = this.sessions.get(id);
    if (fresh && session) {
      session.jid = fresh.jid;
      this.render();
      this.onUpdate(id);
    }
  }

  select(id) {
    this.selected = id;
    this.render();
  }

  render() {
    const sorted = [...this.sessions.values()].sort((a, b) => a.id.localeCompare(b.id));
    this.rows.replaceChildren(...sorted.map(s => el('tr', { 'data-session': s.id, class: s.id === this.selected ? 'selected' : null },
      el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', onclick: () => this.onSelect(s.id, false) }, s.id)),
      el('td', {}, badge(s.status)),
      el('td', {}, s.jid ?? '—'),
      el('td', {}, when(s.lastAt)))));
  }
}
