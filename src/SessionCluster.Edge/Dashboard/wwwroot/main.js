// Wires the panels to one key: kept in sessionStorage (this tab only, gone when it closes), sent as a bearer header.
// The admin key sees the cluster and acts in the tenant typed (or default); a tenant's key sees its own sessions.
import { Api } from './api.js';
import { note } from './dom.js';
import { EventStream } from './stream.js';
import { ClusterPanel } from './cluster.js';
import { SessionsPanel } from './sessions.js';
import { SessionPanel } from './session.js';
import { WebhooksPanel } from './webhooks.js';

const KeyItem = 'sessioncluster.dashboard.key';
const TenantItem = 'sessioncluster.dashboard.tenant';
const RefreshMs = 15000;

const form = document.querySelector('#key-form');
const status = document.querySelector('#key-status');
const panels = document.querySelector('#panels');

form.addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem(KeyItem, form.elements.key.value);
  sessionStorage.setItem(TenantItem, form.elements.tenant.value);
  form.elements.key.value = '';
  // A fresh page per key: no panel, stream or timer of the previous key survives.
  location.reload();
});

document.querySelector('#forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(KeyItem);
  sessionStorage.removeItem(TenantItem);
  location.reload();
});

async function start() {
  const key = sessionStorage.getItem(KeyItem);
  if (!key) return;
  const tenant = sessionStorage.getItem(TenantItem) || '';
  form.elements.tenant.value = tenant;
  const api = new Api(key, tenant);

  const cluster = new ClusterPanel(api, document.querySelector('#cluster'));
  let selected = null;
  const sessions = new SessionsPanel(api, document.querySelector('#sessions'), {
    onSelect: (id, created) => {
      selected = id;
      sessions.select(id);
      detail.show(id);
      webhooks.refresh(id);
      // A stream that names its sessions does not see a new one until it names it too.
      if (created && sessions.names()) reopen();
      if (created) cluster.refresh();
    },
    onUpdate: id => { if (id === selected) detail.update(); },
  });
  const detail = new SessionPanel(api, document.querySelector('#session'), sessions);
  const webhooks = new WebhooksPanel(api, document.querySelector('#webhooks'), sessions);
  const stream = new EventStream(api, event => {
    sessions.apply(event);
    detail.onEvent(event);
  }, state => note(status, `Events: ${state}.`));
  const reopen = () => stream.open(sessions.cursors(), sessions.names());

  try {
    await sessions.load();
  } catch (error) {
    note(status, refusal(error, tenant), true);
    return;
  }
  panels.hidden = false;
  reopen();
  cluster.refresh();
  webhooks.refresh();
  setInterval(() => {
    cluster.refresh();
    webhooks.refresh(selected);
  }, RefreshMs);
}

// Why the first read failed, said so that the person knows which field to change; no panel is shown.
function refusal(error, tenant) {
  if (error.status === 401) return 'Key refused: the node does not know this key (or it was revoked).';
  if (error.status === 403 && tenant) return `Key refused in tenant ${tenant}: a tenant's key works in its own tenant only; empty the Tenant field.`;
  return `Could not read the sessions: ${error.message}`;
}

start();
