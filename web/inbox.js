/*
 * The unit's inbox: the referrals waiting for its answer, overdue ones on top (then by due
 * date), each accepted, or declined with the reason chosen beside it, in one click. An admin or
 * a national officer sees every pending referral. Answers go through the case API.
 */
'use strict';
const REASONS = ['capacity', 'other-priority', 'no-digital-support', 'insufficient-info', 'jurisdiction',
  'duplicate', 'other'];

async function pendingFor(unit) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const q = '/api/v1/cases?limit=1000&offset=' + offset + (unit ? '&unit=' + encodeURIComponent(unit) : '');
    const page = await vigil.get(q) || [];
    for (const c of page)
      if (c.pending_to && (!unit || c.pending_to === unit)) out.push(c);
    if (page.length < 1000) break;
  }
  out.sort((a, b) => (b.overdue - a.overdue) || (a.due || '9999').localeCompare(b.due || '9999') || a.id - b.id);
  return out;
}

async function answer(id, verb, body) {
  const r = await vigil.api('POST', '/api/v1/cases/' + id + '/' + verb, body);
  if (r.status === 200) vigil.say('case ' + id + ': ' + r.body.done, true);
  else vigil.say('case ' + id + ': ' + ((r.body && r.body.error) || 'HTTP ' + r.status));
  await render();
}

function actions(c) {
  const box = vigil.el('span', 'decline');
  const acc = vigil.el('button', 'accept', 'Accept');
  acc.dataset.case = c.id;
  acc.addEventListener('click', () => answer(c.id, 'accept', {}));
  const sel = vigil.el('select');
  sel.setAttribute('aria-label', 'reason');
  for (const r of REASONS) sel.appendChild(vigil.el('option', null, r)).value = r;
  const note = vigil.el('input');
  note.placeholder = 'note (needed for other)';
  note.setAttribute('aria-label', 'note');
  const dec = vigil.el('button', 'decline', 'Decline');
  dec.dataset.case = c.id;
  dec.addEventListener('click', () => {
    const body = {reason: sel.value};
    if (note.value.trim()) body.note = note.value.trim();
    answer(c.id, 'decline', body);
  });
  box.append(acc, ' ', sel, note, dec);
  return box;
}

async function render() {
  const unit = vigil.me.national || vigil.me.role === 'admin' ? null : vigil.me.unit;
  const rows = await pendingFor(unit);
  const old = document.getElementById('inbox');
  const heads = ['case', 'reference', 'type', 'from', 'to', 'due', '', 'title', 'answer'];
  const t = vigil.table('inbox', heads, rows.map(c => [vigil.link('/case?id=' + c.id, c.id), c.ref, c.type, c.owner,
    c.pending_to, c.due, c.overdue ? vigil.el('span', 'badge', 'overdue') : '', c.title, actions(c)]), [0]);
  rows.forEach((c, i) => {
    const tr = t.tBodies[0].rows[i];
    tr.dataset.case = c.id;
    if (c.overdue) tr.className = 'overdue';
  });
  if (old) old.replaceWith(t);
  else document.getElementById('page').appendChild(t);
  document.getElementById('count').textContent = rows.length + ' referral' + (rows.length === 1 ? '' : 's') +
    ' waiting' + (unit ? ' for ' + unit : '') + ', ' + rows.filter(c => c.overdue).length + ' overdue';
}

vigil.start('inbox', async (me) => {
  vigil.me = me;
  const page = document.getElementById('page');
  page.appendChild(vigil.el('h1', null, 'Inbox'));
  const count = page.appendChild(vigil.el('p'));
  count.id = 'count';
  await render();
});
