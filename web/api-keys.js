// The "API keys" panel: sign in with a RealAlgo username and password, then list, create and
// revoke your own API keys. The session itself (cookie, CSRF token, calls) is session.js's, shared
// with the other panels that act for the signed-in user.
import { RequestError, call, signedIn, signedOut, onSessionChange } from './session.js';

const timeFormat = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// How long a "Revoke" button waits for its confirming second click.
const CONFIRM_MS = 5000;

const when = (iso) => (iso ? timeFormat.format(new Date(iso)) : 'never');

export function mountAPIKeys(panel) {
  const $ = (name) => panel.querySelector(`#keys-${name}`);

  function say(text, kind = 'info') {
    $('message').textContent = text;
    $('message').dataset.kind = kind;
  }

  function showSignedIn(user) {
    $('user').textContent = user.username;
    $('login').hidden = true;
    $('account').hidden = false;
  }

  function showSignedOut(message = '') {
    hideNewKey();
    $('rows').replaceChildren();
    $('account').hidden = true;
    $('login').hidden = false;
    say(message, message ? 'error' : 'info');
  }

  // Every failure lands here. A dead session has already gone back to the sign-in form (session.js
  // signs the page out, and the listener below shows why).
  function fail(error) {
    if (!error.sessionEnded) say(error.message, 'error');
  }

  async function busy(button, work) {
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
  }

  function row(key) {
    const tr = document.createElement('tr');
    tr.dataset.id = key.id;
    tr.classList.toggle('revoked', key.status !== 'active');
    for (const [text, title] of [[key.name], [`${key.prefix}…`], [when(key.created_at), key.created_at],
      [when(key.last_used_at), key.last_used_at ?? ''], [key.status === 'active' ? 'active' : `revoked ${when(key.revoked_at)}`]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (title) td.title = title;
      tr.append(td);
    }
    const actions = document.createElement('td');
    if (key.status === 'active') {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'secondary';
      revoke.id = `keys-revoke-${key.id}`;
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke key ${key.name} (${key.prefix}…)`);
      revoke.addEventListener('click', () => confirmRevoke(revoke, key));
      actions.append(revoke);
    }
    tr.append(actions);
    return tr;
  }

  // Two clicks: the first arms the button, the second (within CONFIRM_MS) revokes.
  function confirmRevoke(button, key) {
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = 'Confirm revoke';
      button.className = 'danger';
      setTimeout(() => {
        if (!button.isConnected || button.dataset.armed !== 'true') return;
        button.dataset.armed = 'false';
        button.textContent = 'Revoke';
        button.className = 'secondary';
      }, CONFIRM_MS);
      return;
    }
    button.dataset.armed = 'false';
    busy(button, async () => {
      await call('POST', 'apikey/revoke', { id: key.id });
      say(`Revoked ${key.name} (${key.prefix}…): it stops working at once.`);
      await refresh();
    });
  }

  async function refresh() {
    const { data } = await call('POST', 'apikey/list', {});
    $('rows').replaceChildren(...data.map(row));
  }

  function showNewKey(key) {
    $('new-value').textContent = key.apikey;
    $('copy-state').textContent = '';
    $('new').hidden = false;
  }

  // The key leaves the page: once hidden it exists nowhere in the DOM.
  function hideNewKey() {
    $('new').hidden = true;
    $('new-value').textContent = '';
    $('copy-state').textContent = '';
  }

  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('login-button'), async () => {
      const { data } = await call('POST', 'session/login', { username: $('username').value.trim(), password: $('password').value });
      $('password').value = '';
      say('');
      signedIn(data);
    });
  });

  $('logout').addEventListener('click', () => {
    busy($('logout'), async () => {
      try {
        await call('POST', 'session/logout', {});
      } finally {
        signedOut();
      }
    });
  });

  $('create').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('create-button'), async () => {
      const { data } = await call('POST', 'apikey/create', { name: $('name').value });
      showNewKey(data);
      say(`Created ${data.name} (${data.prefix}…).`);
      await refresh();
    });
  });

  $('copy').addEventListener('click', async () => {
    const key = $('new-value').textContent;
    try {
      await navigator.clipboard.writeText(key);
      $('copy-state').textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C instead.
      getSelection().selectAllChildren($('new-value'));
      $('copy-state').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });

  $('new-done').addEventListener('click', hideNewKey);

  onSessionChange(({ user, reason }) => {
    if (user) {
      showSignedIn(user);
      refresh().catch(fail);
    } else {
      showSignedOut(reason);
    }
  });

  // Already signed in (a reload): the cookie is still there, but the CSRF token must be fetched.
  (async () => {
    try {
      const { data } = await call('GET', 'session');
      signedIn(data);
    } catch (error) {
      if (!(error instanceof RequestError && error.status === 401)) fail(error);
    }
  })();
}
