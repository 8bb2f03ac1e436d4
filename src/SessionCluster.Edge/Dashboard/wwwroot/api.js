// The node's public API (docs/API.md) with the key the person typed in: sent as a bearer header only, never in a URL.

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor(key, tenant) {
    this.key = key;
    this.tenant = tenant;
  }

  headers(extra = {}) {
    const headers = { Authorization: `Bearer ${this.key}`, ...extra };
    if (this.tenant) headers['X-Tenant-Id'] = this.tenant;
    return headers;
  }

  async request(method, path, { body, headers, accept = 'application/json', signal } = {}) {
    const init = { method, headers: this.headers({ Accept: accept, ...headers }), signal, cache: 'no-store' };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await ApiError.from(response);
    return response;
  }

  async get(path, options) {
    return (await this.request('GET', path, options)).json();
  }

  async post(path, body, headers) {
    const response = await this.request('POST', path, { body, headers });
    return response.status === 204 ? null : response.json();
  }

  async blob(path, accept) {
    return (await this.request('GET', path, { accept })).blob();
  }
}

ApiError.from = async response => {
  let code = null;
  let detail = null;
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    const problem = await response.json().catch(() => null);
    code = problem?.code ?? null;
    detail = problem?.detail ?? problem?.title ?? null;
  }
  return new ApiError(response.status, code, detail);
};

export const path = (template, ...values) =>
  template.reduce((built, part, i) => built + part + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
