// The tenant's live events over SSE (GET /v1/events/stream). EventSource cannot send Authorization, so the stream is
// read with fetch and parsed here. It resumes after the last seq seen per session, so a reconnect neither loses nor
// repeats an event.

const RetryDelayMs = 2000;

export class EventStream {
  constructor(api, onEvent, onState) {
    this.api = api;
    this.onEvent = onEvent;
    this.onState = onState;
    this.after = new Map();
    this.named = null;
    this.controller = null;
  }

  // names: the sessions to follow, or null for every session of the tenant (also those created later).
  open(after, names) {
    for (const [session, seq] of after) {
      if (!this.after.has(session) || this.after.get(session) < seq) this.after.set(session, seq);
    }
    this.named = names;
    this.close();
    this.controller = new AbortController();
    this.run(this.controller.signal);
  }

  close() {
    this.controller?.abort();
    this.controller = null;
  }

  url() {
    const query = new URLSearchParams();
    if (this.named) query.set('sessions', this.named.join(','));
    const cursors = [...this.after].filter(([s]) => !this.named || this.named.includes(s)).map(([s, seq]) => `${s}:${seq}`);
    if (cursors.length > 0) query.set('after', cursors.join(','));
    const text = query.toString();
    return '/v1/events/stream' + (text ? `?${text}` : '');
  }

  async run(signal) {
    while (!signal.aborted) {
      try {
        const response = await this.api.request('GET', this.url(), { accept: 'text/event-stream', signal });
        this.onState('live');
        await this.read(response.body, signal);
      } catch (error) {
        if (signal.aborted) return;
        this.onState(`reconnecting (${error.message})`);
      }
      await new Promise(resolve => setTimeout(resolve, RetryDelayMs));
    }
  }

  async read(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).trimStart()).join('\n');
        if (!data) continue;
        const event = JSON.parse(data);
        if ((this.after.get(event.session) ?? 0) >= event.seq) continue;
        this.after.set(event.session, event.seq);
        this.onEvent(event);
      }
    }
  }
}
