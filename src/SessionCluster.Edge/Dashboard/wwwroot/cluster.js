// Nodes (GET /v1/admin/cluster) and shards per node (GET /v1/admin/shards/regions): the admin key's routes, the
// same scctl reads. A tenant's key is told so instead of failing.
import { el, badge, note } from './dom.js';

export class ClusterPanel {
  constructor(api, root) {
    this.api = api;
    this.tables = [root.querySelector('#nodes'), root.querySelector('#shards')];
    this.nodes = root.querySelector('#nodes tbody');
    this.shards = root.querySelector('#shards tbody');
    this.note = root.querySelector('#cluster-note');
  }

  async refresh() {
    try {
      const cluster = await this.api.get('/v1/admin/cluster');
      this.nodes.replaceChildren(...cluster.members.map(m => el('tr', { 'data-address': m.address },
        el('td', {}, m.address, m.address === cluster.self ? ' (this node)' : '', m.address === cluster.leader ? ' (leader)' : ''),
        el('td', {}, m.roles.join(', ')),
        el('td', {}, badge(m.status)),
        el('td', {}, m.reachable ? 'yes' : 'no'),
        el('td', {}, m.appVersion))));
    } catch (error) {
      this.nodes.replaceChildren();
      this.fail(error);
      return;
    }
    try {
      const regions = await this.api.get('/v1/admin/shards/regions');
      this.shards.replaceChildren(...regions.regions.map(r => el('tr', {},
        el('td', {}, r.address),
        el('td', { class: 'number' }, r.shards),
        el('td', { class: 'number' }, r.entities),
        el('td', {}, r.failedShards.length === 0 ? 'none' : r.failedShards.join(', ')))));
      note(this.note, `${regions.shards} shards, ${regions.entities} sessions running.`);
    } catch (error) {
      this.shards.replaceChildren();
      this.fail(error);
    }
  }

  fail(error) {
    // A tenant's key is not wrong here, only not the admin's: said as a fact, with no empty tables under it.
    const forbidden = error.status === 403;
    for (const table of this.tables) table.hidden = forbidden;
    if (forbidden) note(this.note, 'Nodes and shards are shown to the admin key only; this key is a tenant\'s.');
    else note(this.note, `Could not read the cluster: ${error.message}`, true);
  }
}
