/*
 * The statistics dashboard: the figures of `vigil stats` (the same JSON, from the API) by
 * unit, by decline reason and by month, drawn as stacked bars; the ageing of overdue
 * referrals from the case list; a CSV of each table (the library's own CSV for the first three).
 * ?from=DATE&to=DATE in the address choose the period, as `vigil stats --from --to`.
 */
'use strict';
const OUTCOMES = ['accepted', 'declined', 'pending'];
const FIGURES = ['referred', 'accepted', 'declined', 'pending', 'overdue', 'median_days', 'self_registered', 'foreign'];
const AGES = [[1, 7, '1-7 days'], [8, 30, '8-30 days'], [31, 90, '31-90 days'], [91, Infinity, 'over 90 days']];

function period() {
  const p = [];
  for (const k of ['from', 'to']) if (vigil.args.get(k)) p.push(k + '=' + encodeURIComponent(vigil.args.get(k)));
  return p;
}

function query(by, format) {
  const p = ['by=' + by].concat(period());
  if (format) p.push('format=' + format);
  return '/api/v1/stats?' + p.join('&');
}

/* Horizontal bars, one per group, stacked by keys; each part carries its figure. */
function stacked(id, groups, keys) {
  const H = 22, L = 140, W = 420;
  const max = Math.max(1, ...groups.map(g => keys.reduce((s, k) => s + g.values[k], 0)));
  const s = vigil.svg('svg', {id, class: 'chart', width: L + W + 60, height: H * groups.length + 8});
  groups.forEach((g, i) => {
    const y = 4 + i * H;
    const label = vigil.svg('text', {x: 0, y: y + 15});
    label.textContent = g.name;
    s.appendChild(label);
    let x = L;
    for (const k of keys) {
      const w = g.values[k] / max * W;
      if (w > 0) {
        const r = vigil.svg('rect', {x, y, width: w, height: H - 6, class: 'k-' + k, 'data-key': k, 'data-value': g.values[k]});
        const t = vigil.svg('title');
        t.textContent = g.name + ': ' + g.values[k] + ' ' + k;
        r.appendChild(t);
        s.appendChild(r);
      }
      x += w;
    }
    const sum = vigil.svg('text', {x: x + 4, y: y + 15});
    sum.textContent = keys.reduce((a, k) => a + g.values[k], 0);
    s.appendChild(sum);
  });
  return s;
}

function legend(keys) {
  const d = vigil.el('div', 'legend');
  for (const k of keys) {
    const sp = d.appendChild(vigil.el('span'));
    sp.append(vigil.el('i', 'k-' + k), k);
  }
  return d;
}

function heading(text, csvHref, csvName) {
  const h = vigil.el('h2', null, text);
  const a = vigil.link(csvHref, 'CSV');
  a.className = 'download';
  a.setAttribute('download', csvName);
  h.appendChild(a);
  return h;
}

function figuresTable(id, doc) {
  const rows = doc.rows.concat([doc.total]).map(r => [r.group].concat(FIGURES.map(f => r[f])));
  return vigil.table(id, ['group'].concat(FIGURES), rows, FIGURES.map((_, i) => i + 1));
}

async function overdueCases() {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await vigil.get('/api/v1/cases?overdue=true&limit=1000&offset=' + offset) || [];
    out.push(...page);
    if (page.length < 1000) break;
  }
  return out;
}

vigil.start('stats', async me => {
  const page = document.getElementById('page');
  page.appendChild(vigil.el('h1', null, 'Statistics'));
  const p = period();
  page.appendChild(vigil.el('p', 'c', p.length ? 'Period: ' + p.join(', ') : 'All referrals sent so far.'));

  const unit = await vigil.get(query('unit'));
  page.appendChild(heading('Referrals per unit', query('unit', 'csv'), 'referrals-by-unit.csv'));
  page.appendChild(legend(OUTCOMES));
  page.appendChild(stacked('chart-unit', unit.rows.map(r => ({name: r.group, values: r})), OUTCOMES));
  page.appendChild(figuresTable('by-unit', unit));

  const reason = await vigil.get(query('reason'));
  page.appendChild(heading('Decline reasons', query('reason', 'csv'), 'referrals-by-reason.csv'));
  const reasons = Object.keys(unit.total.reasons);
  page.appendChild(stacked('chart-reason', reasons.map(k => ({name: k, values: {declined: unit.total.reasons[k]}})),
    ['declined']));
  page.appendChild(figuresTable('by-reason', reason));

  const month = await vigil.get(query('month'));
  page.appendChild(heading('Monthly trend', query('month', 'csv'), 'referrals-by-month.csv'));
  page.appendChild(stacked('chart-month', month.rows.map(r => ({name: r.group, values: r})), OUTCOMES));
  page.appendChild(figuresTable('by-month', month));

  /* Ageing: how long past due the referrals still waiting are, counted from the overdue cases. */
  const today = Date.parse(new Date().toISOString().slice(0, 10));
  const late = (await overdueCases()).map(c => Math.round((today - Date.parse(c.due)) / 86400000));
  const ages = AGES.map(([lo, hi, name]) => [name, late.filter(d => d >= lo && d <= hi).length]);
  const csv = 'age,overdue\n' + ages.map(a => a.join(',')).join('\n') + '\n';
  const href = URL.createObjectURL(new Blob([csv], {type: 'text/csv'}));
  page.appendChild(heading('Overdue ageing', href, 'overdue-ageing.csv'));
  page.appendChild(stacked('chart-ageing', ages.map(([name, n]) => ({name, values: {pending: n}})), ['pending']));
  page.appendChild(vigil.table('ageing', ['past due', 'referrals'], ages, [1]));

  /* The hash-check service per API key (admins and national officers): counts, never hashes. */
  if (me.role === 'admin' || me.national) {
    const keys = await vigil.get('/api/v1/stats/keys');
    page.appendChild(vigil.el('h2', null, 'Hash checks per API key'));
    page.appendChild(vigil.table('keys', ['key', 'holder', 'scope', 'created', 'revoked', 'requests', 'hashes'],
      keys.map(k => [k.name, k.org, k.scope, k.created, k.revoked, k.requests, k.hashes]), [5, 6]));
  }
});
