/*
 * Series: the pictures of one victim as the hash sets name them. The list shows each series the
 * user's cases hold (victim identified or not, cases, units, items); one series shows the cases
 * holding it, another unit's case only as who holds it and whom to ask. Admins and national
 * officers record here whether the victim is identified. Figures are the API's, which are
 * vigil series list|show --format json.
 */
'use strict';
function holder(h) {
  if (!h.visible) return 'also held by ' + h.unit + (h.ref ? ', case reference ' + h.ref : '') + ' (ask ' + h.contact + ')';
  return vigil.link('/case?id=' + h.case, 'case ' + h.case + ' ' + h.unit + (h.ref ? ' ' + h.ref : ''));
}

function seriesLink(name) {
  return vigil.link('/series?name=' + encodeURIComponent(name), name);
}

async function setVictim(name, victim) {
  const r = await vigil.api('POST', '/api/v1/series/' + encodeURIComponent(name), {victim});
  if (r.status !== 200) {
    vigil.say((r.body && r.body.error) || 'HTTP ' + r.status);
    return;
  }
  location.assign('/series?name=' + encodeURIComponent(name) + '&done=' + encodeURIComponent(r.body.done));
}

vigil.start('series', async me => {
  const page = document.getElementById('page');
  const name = vigil.args.get('name');
  if (!name) {
    page.appendChild(vigil.el('h1', null, 'Series'));
    const list = await vigil.get('/api/v1/series');
    page.appendChild(vigil.el('p', null, list.length
      ? 'Series held by the cases you see. A victim not recorded as identified counts as unidentified.'
      : 'No case you see holds a series.'));
    page.appendChild(vigil.table('series', ['series', 'victim', 'cases', 'units', 'items', 'unit codes'],
      list.map(s => [seriesLink(s.name), s.victim, s.cases, s.units, s.items, s.unit_codes]), [2, 3, 4]));
    return;
  }
  const s = await vigil.get('/api/v1/series/' + encodeURIComponent(name));
  if (vigil.args.get('done')) vigil.say(vigil.args.get('done'), true);
  page.appendChild(vigil.el('h1', null, 'Series ' + s.name));
  page.appendChild(vigil.table('summary', ['victim', 'recorded by', 'recorded', 'cases', 'units', 'items', 'unit codes'],
    [[s.victim, s.victim_by, s.victim_at, s.cases, s.units, s.items, s.unit_codes]], [3, 4, 5]));
  if (me.role === 'admin' || me.national) {
    const other = s.victim === 'identified' ? 'unidentified' : 'identified';
    const b = vigil.el('button', 'victim', 'Record the victim as ' + other);
    b.id = 'set-victim';
    b.addEventListener('click', () => setVictim(s.name, other));
    page.appendChild(vigil.el('p')).appendChild(b);
  }
  page.appendChild(vigil.el('h2', null, 'Cases holding it'));
  page.appendChild(vigil.table('holders', ['case', 'unit', 'reference', 'items'],
    s.holders.map(h => [holder(h), h.unit, h.ref, h.visible ? h.items : '']), [3]));
  const others = new Set(s.holders.filter(h => !h.visible).map(h => h.unit + ' (' + h.contact + ')'));
  page.appendChild(vigil.el('p', 'deconfliction', others.size
    ? 'Other units hold this series in cases you do not see: ' + [...others].join(', ') + '. Speak with them.'
    : 'No case hidden from you holds this series.'));
});
