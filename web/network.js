/*
 * Networks: the list of networks the user may see, and one network drawn as a graph in SVG
 * from the links API (cases on a circle, grouped by unit; an edge per link, red when the cases
 * share known illegal files, labelled with the files they share). A case hidden from the user
 * shows only who holds it. Drawn here rather than by Graphviz on the server: the service runs
 * no other program, and the picture needs nothing beyond the JSON the API gives anyway.
 */
'use strict';
function label(e) {
  return e.visible ? 'case ' + e.case + ' ' + e.unit + (e.ref ? ' ' + e.ref : '') : 'held by ' + e.unit;
}

function key(e) {
  return e.visible ? 'c' + e.case : 'u' + e.unit + '/' + e.ref + '/' + e.contact;
}

function draw(lv) {
  const nodes = new Map();
  for (const l of lv.links) for (const e of [l.a, l.b]) if (!nodes.has(key(e))) nodes.set(key(e), e);
  const list = [...nodes.values()].sort((x, y) => x.unit.localeCompare(y.unit) || (x.case || 0) - (y.case || 0));
  const R = Math.max(120, list.length * 28), W = 2 * R + 320, H = 2 * R + 80, cx = W / 2, cy = H / 2;
  const at = new Map();
  list.forEach((e, i) => {
    const a = 2 * Math.PI * i / list.length - Math.PI / 2;
    at.set(key(e), [cx + R * Math.cos(a), cy + R * Math.sin(a)]);
  });
  const s = vigil.svg('svg', {id: 'graph', class: 'net', width: W, height: H, role: 'img',
    'aria-label': 'network of ' + list.length + ' cases'});
  for (const l of lv.links) {
    const [x1, y1] = at.get(key(l.a)), [x2, y2] = at.get(key(l.b));
    s.appendChild(vigil.svg('line', {x1, y1, x2, y2, class: 'edge' + (l.illegal ? ' illegal' : '')}));
    const t = vigil.svg('text', {x: (x1 + x2) / 2 + 4, y: (y1 + y2) / 2 - 4});
    t.textContent = l.exact + ' files' + (l.illegal ? ', ' + l.illegal + ' illegal' : '');
    s.appendChild(t);
  }
  for (const e of list) {
    const [x, y] = at.get(key(e));
    const g = vigil.svg('g', {class: 'node', 'data-case': e.visible ? e.case : ''});
    g.appendChild(vigil.svg('circle', {cx: x, cy: y, r: 9, class: e.visible ? '' : 'hidden'}));
    const t = vigil.svg('text', {x: x + (x < cx ? -14 : 14), y: y + 4, 'text-anchor': x < cx ? 'end' : 'start'});
    t.textContent = label(e);
    if (e.visible) {
      const a = vigil.svg('a', {href: '/case?id=' + e.case});
      a.appendChild(t);
      g.appendChild(a);
    } else {
      g.appendChild(t);
    }
    s.appendChild(g);
  }
  return s;
}

vigil.start('network', async () => {
  const page = document.getElementById('page');
  const id = vigil.args.get('id');
  if (!id) {
    page.appendChild(vigil.el('h1', null, 'Networks'));
    const lv = await vigil.get('/api/v1/networks');
    page.appendChild(vigil.table('networks', ['network', 'cases', 'links', 'units', 'first', 'last change'],
      lv.networks.map(n => [vigil.link('/network?id=' + n.id, 'network ' + n.id), n.cases, n.links, n.unit_codes,
        n.first, n.last]), [1, 2]));
    return;
  }
  if (!/^[1-9][0-9]*$/.test(id)) throw new Error('which network? /network?id=N');
  const lv = await vigil.get('/api/v1/networks/' + id);
  const n = lv.networks[0];
  page.appendChild(vigil.el('h1', null, 'Network ' + id));
  page.appendChild(vigil.el('p', null, n.cases + ' cases, ' + n.links + ' links, units ' + n.unit_codes));
  page.appendChild(draw(lv));
  page.appendChild(vigil.table('links', ['case', 'case', 'same files', 'illegal', 'interest', 'unknown'],
    lv.links.map(l => [label(l.a), label(l.b), l.exact, l.illegal, l.interest, l.unknown]), [2, 3, 4, 5]));
});
