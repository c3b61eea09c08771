/*
 * A case: what it is, its priority with the factors behind it, its referrals and history, its
 * items counted by verdict, the series they match (each a link to the series page), and its
 * links to other cases (deconfliction: who else holds the same files, and whom to ask when their
 * case is hidden).
 */
'use strict';
const VERDICTS = ['illegal', 'near', 'interest', 'unknown', 'benign', 'error'];

function end(e) {
  if (!e.visible) return 'also held by ' + e.unit + ' (ask ' + e.contact + ')';
  return vigil.link('/case?id=' + e.case, 'case ' + e.case + ' ' + e.unit + (e.ref ? ' ' + e.ref : '') +
    (e.type ? ' (' + e.type + ')' : ''));
}

vigil.start('case', async () => {
  const id = vigil.args.get('id');
  if (!/^[1-9][0-9]*$/.test(id || '')) throw new Error('which case? /case?id=N');
  const page = document.getElementById('page');
  const c = await vigil.get('/api/v1/cases/' + id);
  page.appendChild(vigil.el('h1', null, 'Case ' + c.id + (c.ref ? ' (' + c.ref + ')' : '')));
  page.appendChild(vigil.table('summary', ['type', 'status', 'outcome', 'owner', 'registered by', 'registered', 'title'],
    [[c.type, c.status, c.outcome, c.owner, c.registered_by, c.registered, c.title]]));

  page.appendChild(vigil.el('h2', null, 'Priority ' + c.priority));
  page.appendChild(vigil.table('factors', ['factor', 'value', 'weight'],
    (c.factors || []).map(f => [f.name, f.value, f.weight]), [1, 2]));

  page.appendChild(vigil.el('h2', null, 'Referrals'));
  page.appendChild(vigil.table('referrals', ['from', 'to', 'sent', 'due', 'state', 'answered', 'reason', 'note'],
    (c.referrals || []).map(r => [r.from, r.to, r.sent, r.due, r.state + (r.overdue ? ' (overdue)' : ''), r.answered,
      r.reason, r.note])));

  page.appendChild(vigil.el('h2', null, 'History'));
  page.appendChild(vigil.table('history', ['at', 'who', 'event', 'detail'],
    (c.history || []).map(h => [h.at, h.who, h.event, h.detail])));

  page.appendChild(vigil.el('h2', null, 'Items by verdict'));
  const items = await vigil.get('/api/v1/cases/' + id + '/items') || [];
  const count = {};
  for (const it of items) count[it.verdict] = (count[it.verdict] || 0) + 1;
  const vt = vigil.table('items', ['verdict', 'items'], VERDICTS.map(v => [v, count[v] || 0]), [1]);
  VERDICTS.forEach((v, i) => { vt.tBodies[0].rows[i].className = 'vd-' + v; });
  page.appendChild(vt);

  // the series (victims) its items match, each a link to the series page
  const series = [...new Set(items.map(it => it.series).filter(x => x))].sort();
  page.appendChild(vigil.el('h2', null, 'Series'));
  const sp = page.appendChild(vigil.el('p', 'series',
    series.length ? 'Its items match the series ' : 'Its items match no series.'));
  sp.id = 'series';
  series.forEach((n, i) => {
    if (i) sp.appendChild(document.createTextNode(', '));
    sp.appendChild(vigil.link('/series?name=' + encodeURIComponent(n), n));
  });

  page.appendChild(vigil.el('h2', null, 'Links and deconfliction'));
  const lv = await vigil.get('/api/v1/cases/' + id + '/links');
  const others = new Set();
  const rows = lv.links.map(l => {
    const other = l.a.case === c.id ? l.b : l.a;
    if (other.unit !== c.owner) others.add(other.unit + ' (' + other.contact + ')');
    return [end(other), l.exact, l.illegal, l.interest, l.unknown, l.near,
      vigil.link('/network?id=' + l.network, 'network ' + l.network)];
  });
  page.appendChild(vigil.el('p', 'deconfliction', others.size
    ? 'Other units hold the same files: ' + [...others].join(', ') + '. Speak with them before acting.'
    : 'No other unit holds the same files.'));
  page.appendChild(vigil.table('links', ['linked case', 'same files', 'illegal', 'interest', 'unknown', 'near', 'network'],
    rows, [1, 2, 3, 4, 5]));
});
