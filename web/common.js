/*
 * What every page of the service shares: calls of the JSON API (the session cookie goes with
 * them, and the CSRF token the session was given with every change), the bar at the top, and
 * small builders of elements. Pages set text with textContent only: nothing from the registry
 * is ever parsed as HTML.
 */
'use strict';
window.vigil = (function () {
  let me = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }

  function toLogin() {
    location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
  }

  /* {status, body}; a 401 (no session, or an ended one) goes to the login page. */
  async function api(method, path, body) {
    const headers = {};
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (me) headers['X-CSRF-Token'] = me.csrf;
    }
    const r = await fetch(path, {method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    const text = await r.text();
    let doc = null;
    try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = {error: 'not JSON: ' + text.slice(0, 80)}; }
    if (r.status === 401 && path !== '/api/v1/login') {
      toLogin();
      throw new Error('log in first');
    }
    return {status: r.status, body: doc};
  }

  /* The body of a GET that must succeed; otherwise the page says why. */
  async function get(path) {
    const r = await api('GET', path);
    if (r.status !== 200) throw new Error((r.body && r.body.error) || ('HTTP ' + r.status));
    return r.body;
  }

  function say(text, good) {
    const m = document.getElementById('message');
    m.textContent = text;
    m.className = 'message' + (good ? ' ok' : '');
  }

  function bar(page) {
    const b = document.getElementById('bar');
    const links = [['inbox', 'Inbox'], ['stats', 'Statistics'], ['network', 'Networks'], ['series', 'Series']];
    b.appendChild(el('strong', null, 'vigil'));
    for (const [p, name] of links) {
      const a = el('a', p === page ? 'on' : null, name);
      a.href = '/' + p;
      b.appendChild(a);
    }
    const who = el('span', 'who', me.user + ' (' + me.role + (me.unit ? ', ' + me.unit : '') + ')');
    const out = el('button', null, 'Log out');
    out.id = 'logout';
    out.addEventListener('click', async () => {
      await api('POST', '/api/v1/logout', {});
      location.assign('/login');
    });
    who.appendChild(out);
    b.appendChild(who);
  }

  /* A table of rows (arrays of cells: text, or an element); numeric columns named in num. */
  function table(id, heads, rows, num) {
    const t = el('table');
    t.id = id;
    const tr = el('tr');
    heads.forEach((h, i) => tr.appendChild(el('th', num && num.includes(i) ? 'n' : null, h)));
    t.appendChild(el('thead')).appendChild(tr);
    const tb = t.appendChild(el('tbody'));
    for (const r of rows) {
      const row = el('tr');
      r.forEach((v, i) => {
        const td = el('td', num && num.includes(i) ? 'n' : null);
        if (v instanceof Node) td.appendChild(v);
        else td.textContent = v === null || v === undefined ? '' : String(v);
        row.appendChild(td);
      });
      tb.appendChild(row);
    }
    return t;
  }

  function link(href, text) {
    const a = el('a', null, text);
    a.href = href;
    return a;
  }

  /* Start a page: the session (or the login page), the bar, then the page's own code. */
  async function start(page, fn) {
    try {
      me = await get('/api/v1/session');
      bar(page);
      await fn(me);
      document.body.dataset.ready = '1';
    } catch (e) {
      say(e.message);
      document.body.dataset.ready = 'error';
    }
  }

  return {el, svg, api, get, say, table, link, start, args: new URLSearchParams(location.search)};
})();
