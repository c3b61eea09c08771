/* The login page: the API's login, then the page asked for (only a path of this site). */
'use strict';
(function () {
  const form = document.getElementById('login');
  const next = vigil.args.get('next');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await vigil.api('POST', '/api/v1/login',
      {user: document.getElementById('user').value, password: document.getElementById('password').value});
    if (r.status === 200) {
      location.assign(next && /^\/[a-z]/.test(next) ? next : '/inbox');
      return;
    }
    vigil.say((r.body && r.body.error) || ('HTTP ' + r.status));
    document.getElementById('password').value = '';
  });
  document.body.dataset.ready = '1';
})();
