// One session: its status, linking by QR (GET /v1/sessions/{id}/qr as JSON and PNG, refreshed on each session.qr
// event as the code rotates), a text send (POST /v1/sessions/{id}/messages) with its status from message.status
// events, and its recent events (GET /v1/sessions/{id}/events, then the live stream).
import { el, badge, when, note } from './dom.js';
import { path } from './api.js';

const RecentEvents = 50;
const StatusRank = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

export class SessionPanel {
  constructor(api, root, sessions) {
    this.api = api;
    this.root = root;
    this.sessions = sessions;
    this.id = null;
    this.events = [];
    this.linking = false;
    this.qrUrl = null;
    this.element = id => root.querySelector(`#${id}`);
    this.element('link-button').addEventListener('click', () => this.startLink());
    this.element('send-form').addEventListener('submit', event => this.send(event));
  }

  async show(id) {
    this.id = id;
    this.events = [];
    this.stopLink();
    this.element('sent').querySelector('tbody').replaceChildren();
    note(this.element('send-note'), '');
    this.root.hidden = false;
    this.element('session-name').textContent = id;
    this.update();
    const session = this.sessions.get(id);
    const after = Math.max(0, (session?.lastEventSeq ?? 0) - RecentEvents);
    const page = await this.api.get(path`/v1/sessions/${id}/events` + `?after=${after}&limit=${RecentEvents}`).catch(() => null);
    if (this.id !== id || !page) return;
    page.events.forEach(e => this.add(e));
    if (session?.status === 'linking') this.startLink();
  }

  // The session's model changed (status, account): what the panel shows of it.
  update() {
    const session = this.sessions.get(this.id);
    if (!session) return;
    const status = this.element('session-status');
    status.textContent = session.status;
    status.dataset.status = session.status;
    status.className = `status status-${session.status}`;
    this.element('session-jid').textContent = session.jid ? `as ${session.jid}` : '';
    const linkable = !session.jid || session.status === 'logged_out';
    this.element('link-button').hidden = !linkable || this.linking;
    if (session.status === 'connected' && this.linking) {
      this.stopLink();
      note(this.element('qr-caption'), 'Linked.');
    }
  }

  onEvent(event) {
    if (event.session !== this.id) return;
    this.add(event);
    if (event.type === 'session.qr' && this.linking) this.refreshQr();
    if (event.type === 'session.link_failed' && this.linking) {
      this.stopLink();
      this.element('qr').hidden = false;
      note(this.element('qr-caption'), `Linking failed: ${event.payload.reason}. Link again to get a new code.`, true);
      this.update();
    }
    if (event.type === 'message.status') this.markSent(event.payload);
  }

  add(event) {
    if (this.events.some(e => e.seq === event.seq)) return;
    this.events.push(event);
    this.events.sort((a, b) => b.seq - a.seq);
    this.events.length = Math.min(this.events.length, RecentEvents);
    const list = this.element('events');
    list.replaceChildren(...this.events.map(e => el('li', { value: e.seq, 'data-type': e.type, 'data-seq': e.seq },
      `${when(e.at)} ${e.type} ${describe(e)}`)));
  }

  async startLink() {
    this.linking = true;
    this.update();
    this.element('qr').hidden = false;
    note(this.element('qr-caption'), 'Asking the session for a QR code…');
    await this.refreshQr();
  }

  stopLink() {
    this.linking = false;
    this.element('qr').hidden = true;
    this.element('qr').removeAttribute('data-qr');
    if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
    this.qrUrl = null;
    this.element('qr-image').removeAttribute('src');
  }

  // The newest code as JSON (its text and expiry) and as the PNG the node draws; the figure carries the code's text
  // in data-qr (what a phone would read from the image).
  async refreshQr() {
    const id = this.id;
    try {
      const qr = await this.api.get(path`/v1/sessions/${id}/qr`);
      const png = await this.api.blob(path`/v1/sessions/${id}/qr`, 'image/png');
      if (this.id !== id || !this.linking) return;
      if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
      this.qrUrl = URL.createObjectURL(png);
      this.element('qr-image').src = this.qrUrl;
      this.element('qr').dataset.qr = qr.qr;
      note(this.element('qr-caption'), `Scan in WhatsApp → Linked devices. This code expires at ${when(qr.expiresAt)}; a new one replaces it.`);
    } catch (error) {
      if (this.id !== id) return;
      if (error.code === 'session_linked') {
        this.stopLink();
        this.update();
        return;
      }
      note(this.element('qr-caption'), `No QR code: ${error.message}`, true);
    }
  }

  async send(event) {
    event.preventDefault();
    const form = event.target;
    const to = form.elements.to.value.trim();
    const text = form.elements.text.value;
    try {
      const sent = await this.api.post(path`/v1/sessions/${this.id}/messages`, { to, type: 'text', text }, { 'Idempotency-Key': crypto.randomUUID() });
      form.elements.text.value = '';
      note(this.element('send-note'), `Accepted as ${sent.id}.`);
      this.element('sent').querySelector('tbody').prepend(el('tr', { 'data-message-id': sent.id },
        el('td', {}, sent.id), el('td', {}, to), el('td', {}, text), el('td', { class: 'message-status' }, badge(sent.status))));
      this.events.filter(e => e.type === 'message.status' && e.payload.id === sent.id).reverse().forEach(e => this.markSent(e.payload));
    } catch (error) {
      note(this.element('send-note'), `Send failed: ${error.message}`, true);
    }
  }

  markSent(status) {
    const row = this.element('sent').querySelector(`tr[data-message-id="${CSS.escape(status.id)}"]`);
    const cell = row?.querySelector('.message-status');
    if (!cell) return;
    const shown = cell.firstChild?.dataset.status;
    if (shown && StatusRank[shown] >= StatusRank[status.status]) return;
    cell.replaceChildren(badge(status.status));
  }
}

function describe(event) {
  const p = event.payload ?? {};
  switch (event.type) {
    case 'session.status': return p.status;
    case 'session.qr': return `expires ${when(p.expiresAt)}`;
    case 'session.link_failed':
    case 'session.logged_out': return p.reason;
    case 'session.disconnected': return `${p.reason}${p.reconnectInMs != null ? `, reconnect in ${p.reconnectInMs} ms` : ''}`;
    case 'message.received': return `${p.fromMe ? 'to' : 'from'} ${p.fromMe ? p.chat : (p.pushName ?? p.sender)}: ${p.text ?? `(${p.type})`}`;
    case 'message.status': return `${p.id} ${p.status}${p.device ? ` (${p.device})` : ''}${p.reason ? `: ${p.reason}` : ''}`;
    case 'message.reaction': return `${p.sender}: ${p.emoji || '(removed)'} on ${p.targetId}`;
    default: return '';
  }
}
