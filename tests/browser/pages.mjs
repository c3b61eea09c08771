// vigil serve's pages in headless Chromium, driven by playwright-core (tests/browser/pages.sh
// makes the registry and starts the service). Prints TAP lines; the shell numbers them.
// Usage: node pages.mjs URL VIGIL SHOTS PASSWORD CASE_OVERDUE CASE_PENDING
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {chromium} = require('playwright-core');
const [url, vigil, shots, pw, overdueCase, pendingCase] = process.argv.slice(2);
let fails = 0;

function ok(cond, desc, extra) {
  console.log((cond ? 'ok - ' : 'not ok - ') + desc);
  if (!cond) {
    fails++;
    if (extra !== undefined) console.log('#   ' + JSON.stringify(extra).slice(0, 600));
  }
}

// The CLI over the same registry (VIGIL_DB from the environment), as root acting as user.
function cli(...args) {
  return execFileSync(vigil, args, {encoding: 'utf8'});
}
function cliJson(...args) {
  return JSON.parse(cli(...args, '--format', 'json'));
}

// The text of a table's cells, row by row (header row left out).
async function cells(page, id) {
  return page.$$eval('#' + id + ' tbody tr', trs => trs.map(tr => [...tr.cells].map(td => td.textContent)));
}

async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.ready, null, {timeout: 15000});
  return page.evaluate(() => document.body.dataset.ready);
}

async function shot(page, name) {
  await page.screenshot({path: shots + '/' + name + '.png', fullPage: true});
}

// Chromium's sandbox cannot start as root (a container's CI): only then is it turned off.
const args = process.getuid() === 0 ? ['--no-sandbox'] : [];
const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args});
const context = await browser.newContext({acceptDownloads: true, viewport: {width: 1200, height: 900}});
const page = await context.newPage();
const problems = [];
page.on('console', m => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', e => problems.push(String(e)));

try {
  // A page without a session sends to the login page, which a wrong password does not pass.
  await page.goto(url + '/inbox');
  await page.waitForURL(/\/login\?next=/);
  ok(true, 'inbox without a session: the login page');
  await page.fill('#user', 'off2');
  await page.fill('#password', 'not the password');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('message').textContent !== '');
  ok(/wrong user name or password/.test(await page.textContent('#message')) && /\/login/.test(page.url()),
    'login: a wrong password is refused on the page', await page.textContent('#message'));
  await shot(page, 'login');
  await page.fill('#user', 'off2');
  await page.fill('#password', pw);
  await page.click('#submit');
  await page.waitForURL(/\/inbox$/);
  ok(await ready(page) === '1', 'login: the right password opens the inbox');

  // The inbox: R02's pending referrals, the overdue one on top.
  let rows = await cells(page, 'inbox');
  const ids = rows.map(r => r[0]);
  const want = cliJson('case', 'list', '--unit', 'R02', '--as', 'off2').filter(c => c.pending_to === 'R02');
  ok(ids.length === want.length && ids[0] === overdueCase && ids.includes(pendingCase),
    'inbox: the unit\'s pending referrals, the overdue one first', {ids, want: want.map(c => c.id)});
  ok(await page.$eval('#inbox tbody tr', tr => tr.className) === 'overdue', 'inbox: the overdue row is marked');
  await shot(page, 'inbox');

  // Accept one and decline the other, each in one click.
  await page.click(`#inbox tr[data-case="${overdueCase}"] button.accept`);
  await page.waitForFunction(id => !document.querySelector(`#inbox tr[data-case="${id}"]`), overdueCase);
  ok(/accepted|accept/.test(await page.textContent('#message')), 'inbox: accept confirmed',
    await page.textContent('#message'));
  await page.selectOption(`#inbox tr[data-case="${pendingCase}"] select`, 'jurisdiction');
  await page.click(`#inbox tr[data-case="${pendingCase}"] button.decline`);
  await page.waitForFunction(id => !document.querySelector(`#inbox tr[data-case="${id}"]`), pendingCase);
  const acc = cliJson('case', 'show', overdueCase), dec = cliJson('case', 'show', pendingCase);
  const ra = acc.referrals.at(-1), rd = dec.referrals.at(-1);
  ok(ra.state === 'accepted' && acc.owner === 'R02', 'vigil case show: the referral accepted, R02 owns the case', ra);
  ok(rd.state === 'declined' && rd.reason === 'jurisdiction', 'vigil case show: declined for jurisdiction', rd);
  const audit = cliJson('audit', 'list', '--user', 'off2').map(e => e.action + ' ' + e.object);
  ok(audit.includes('case.accept case:' + overdueCase) && audit.includes('case.decline case:' + pendingCase),
    'the audit log has both answers by off2', audit);

  // The dashboard: its figures are vigil stats', its CSV is vigil stats --format csv.
  await page.click('header a[href="/stats"]');
  await page.waitForURL(/\/stats$/);
  ok(await ready(page) === '1', 'stats: the dashboard opens');
  const figures = ['referred', 'accepted', 'declined', 'pending', 'overdue', 'median_days', 'self_registered', 'foreign'];
  for (const by of ['unit', 'reason', 'month']) {
    const st = cliJson('stats', '--by', by, '--as', 'off2');
    const fmt = v => v === null ? '' : String(v);
    const wantRows = st.rows.concat([st.total]).map(r => [r.group].concat(figures.map(f => fmt(r[f]))));
    const got = await cells(page, 'by-' + by);
    ok(JSON.stringify(got) === JSON.stringify(wantRows), 'stats by ' + by + ': the table is vigil stats --by ' + by,
      {got, wantRows});
  }
  const bars = await page.$$eval('#chart-unit rect', rs => rs.map(r => r.getAttribute('data-key') + '=' + r.getAttribute('data-value')));
  const st = cliJson('stats', '--as', 'off2');
  const wantBars = st.rows.flatMap(r => ['accepted', 'declined', 'pending'].filter(k => r[k] > 0).map(k => k + '=' + r[k]));
  ok(JSON.stringify(bars) === JSON.stringify(wantBars), 'stats: the bars per unit carry its figures', {bars, wantBars});
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.click('h2:has-text("Referrals per unit") a.download')]);
  const csv = readFileSync(await download.path(), 'utf8');
  ok(csv === cli('stats', '--format', 'csv', '--as', 'off2'), 'stats: the CSV downloaded is vigil stats --format csv',
    csv);
  const ageing = await cells(page, 'ageing');
  const overdueNow = cliJson('case', 'list', '--overdue', '--as', 'off2').length;
  ok(overdueNow > 0 && ageing.reduce((s, r) => s + Number(r[1]), 0) === overdueNow, 'stats: the ageing counts every overdue referral',
    {ageing, overdueNow});
  await shot(page, 'stats');

  // The case page of the case accepted: priority, items by verdict, links.
  await page.goto(url + '/case?id=' + overdueCase);
  ok(await ready(page) === '1', 'case page opens');
  ok((await page.textContent('h2:has-text("Priority")')) === 'Priority ' + acc.priority,
    'case page: the priority is vigil case show\'s', acc.priority);
  ok((await cells(page, 'factors')).length === acc.factors.length, 'case page: every factor listed');
  const items = cliJson('case', 'items', overdueCase);
  const verdicts = Object.fromEntries((await cells(page, 'items')).map(r => [r[0], Number(r[1])]));
  ok(verdicts.illegal === items.filter(i => i.verdict === 'illegal').length && verdicts.unknown ===
    items.filter(i => i.verdict === 'unknown').length, 'case page: items by verdict as vigil case items', verdicts);
  const links = cliJson('links', '--case', overdueCase, '--as', 'off2');
  ok((await cells(page, 'links')).length === links.links.length && links.links.length > 0,
    'case page: its links as vigil links --case', links.links.length);
  ok(/R01/.test(await page.textContent('p.deconfliction')), 'case page: deconfliction names the other unit');
  await shot(page, 'case');

  // The network of that case, drawn.
  await page.click('#links a[href^="/network?id="]');
  await page.waitForURL(/\/network\?id=/);
  ok(await ready(page) === '1', 'network view opens');
  const net = cliJson('links', '--network', String(links.links[0].network), '--as', 'off2');
  ok(await page.$$eval('#graph g.node', g => g.length) === net.networks[0].cases &&
     await page.$$eval('#graph line.edge', l => l.length) === net.links.length,
    'network view: a node per case and an edge per link', net.networks[0]);
  const labels = await page.$$eval('#graph g.node text', t => t.map(x => x.textContent));
  ok(labels.includes('held by R01') && !labels.some(l => /R1-11|production/.test(l)),
    'network view: a case hidden from the user shows only who holds it', labels);
  await shot(page, 'network');

  // The series of the case accepted, from its case page: figures as vigil series show --format json.
  await page.goto(url + '/case?id=' + overdueCase);
  ok(await ready(page) === '1', 'case page opens again');
  await page.click('#series a');
  await page.waitForURL(/\/series\?name=S-1$/);
  ok(await ready(page) === '1', 'series page opens from the case page\'s series link');
  const one = cliJson('series', 'show', 'S-1', '--as', 'off2');
  const sum = await cells(page, 'summary');
  const wantSum = [one.victim, one.victim_by || '', one.victim_at || '', one.cases, one.units, one.items,
    one.unit_codes].map(String);
  ok(JSON.stringify(sum) === JSON.stringify([wantSum]), 'series page: victim, cases, units, items as vigil series show',
    {sum, wantSum});
  const hold = await cells(page, 'holders');
  const wantHold = one.holders.map(h => [h.unit, h.ref || '', h.visible ? String(h.items) : '']);
  ok(JSON.stringify(hold.map(r => r.slice(1))) === JSON.stringify(wantHold) &&
     hold.every((r, i) => one.holders[i].visible ? r[0].startsWith('case ' + one.holders[i].case + ' ')
                                                 : r[0].startsWith('also held by ') && !/case \d/.test(r[0])),
    'series page: the cases holding it as vigil series show, a hidden one only as who holds it', {hold, wantHold});
  ok(one.holders.some(h => !h.visible) && /R01/.test(await page.textContent('p.deconfliction')),
    'series page: deconfliction names the unit of the hidden case');
  ok(await page.$('#set-victim') === null, 'series page: a regional officer cannot record the victim');
  await shot(page, 'series');
  await page.click('header a[href="/series"]');
  await page.waitForURL(/\/series$/);
  ok(await ready(page) === '1', 'series list opens from the bar');
  const list = cliJson('series', 'list', '--as', 'off2');
  const wantList = list.map(x => [x.name, x.victim, x.cases, x.units, x.items, x.unit_codes].map(String));
  ok(JSON.stringify(await cells(page, 'series')) === JSON.stringify(wantList) && wantList.length === 1,
    'series list: as vigil series list', {got: await cells(page, 'series'), wantList});
  await shot(page, 'series-list');

  // Log out: the session is over.
  await page.click('#logout');
  await page.waitForURL(/\/login$/);
  await page.goto(url + '/stats');
  await page.waitForURL(/\/login\?next=/);
  ok(true, 'after logout the pages send to the login page');

  // A national officer records the victim of S-1 identified on the series page.
  await page.fill('#user', 'nat1');
  await page.fill('#password', pw);
  await page.click('#submit');
  await page.waitForURL(/\/stats$/);
  ok(await ready(page) === '1', 'stats as a national officer');
  const keys = cliJson('apikey', 'list').map(k => [k.name, k.org, k.scope, k.created, k.revoked || '',
    String(k.requests), String(k.hashes)]);
  ok(keys.length === 1 && keys[0][5] === '2' && keys[0][6] === '3' &&
     JSON.stringify(await cells(page, 'keys')) === JSON.stringify(keys),
    'stats: the hash checks per key as vigil apikey list (2 requests, 3 hashes)', {keys, got: await cells(page, 'keys')});
  await shot(page, 'stats-keys');
  await page.goto(url + '/series?name=S-1');
  ok(await ready(page) === '1', 'series page as a national officer');
  await page.click('#set-victim');
  await page.waitForURL(/done=/);
  ok(await ready(page) === '1' && /victim identified/.test(await page.textContent('#message')),
    'series page: the victim recorded, the page says so', await page.textContent('#message'));
  const after = cliJson('series', 'show', 'S-1');
  ok(after.victim === 'identified' && after.victim_by === 'nat1' &&
     (await cells(page, 'summary'))[0][0] === 'identified', 'vigil series show: identified, by nat1', after);
  ok(problems.filter(p => !/401|Unauthorized|log in first/.test(p)).length === 0,
    'no script error and no Content-Security-Policy refusal on any page', problems);
} catch (e) {
  ok(false, 'the pages ran to their end', String(e.stack || e));
  await shot(page, 'failure').catch(() => {});
}
await browser.close();
process.exit(fails ? 1 : 0);
