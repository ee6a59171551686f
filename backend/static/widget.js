/* Natter chat loader. Served as-is: keep it small, dependency-free ES2017. */
(() => {
'use strict';
const warn = (...a) => { try { console.warn('[natter]', ...a); } catch (e) { /* no console */ } };
const guard = (fn) => (...a) => { try { return fn(...a); } catch (e) { warn(e); } };
const ICON_CHAT = '<svg viewBox="0 0 24 24" width="28" height="28" fill="currentColor" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2h-10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
const ICON_CLOSE = '<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';
const CSS = `*{box-sizing:border-box}
.launcher{position:relative;width:56px;height:56px}
#natter-bubble{all:initial;display:flex;align-items:center;justify-content:center;width:56px;height:56px;border-radius:50%;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s}
#natter-bubble:hover{transform:scale(1.06)}
#natter-bubble:focus-visible{outline:3px solid rgba(0,0,0,.6);outline-offset:2px}
#natter-badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e5484d;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px #fff;pointer-events:none}
#natter-panel{position:absolute;bottom:72px;right:0;animation:natter-in .18s ease-out}
#natter-panel.left{right:auto;left:0}
#natter-frame{display:block;width:370px;max-width:calc(100vw - 40px);height:min(620px,calc(100vh - 100px));border:0;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25);background:#fff}
.hidden{display:none!important}
@keyframes natter-in{from{opacity:0;transform:translateY(12px)}}
@media (max-width:479px){#natter-panel,#natter-panel.left{position:fixed;top:0;right:0;bottom:0;left:0}
#natter-frame{width:100%;max-width:none;height:100%;border-radius:0;box-shadow:none}
:host([data-state="open"]) .launcher{display:none}}
@media (prefers-reduced-motion:reduce){#natter-panel{animation:none}#natter-bubble{transition:none}}`;

// Storage throws when the visitor blocks site data.
const readOpen = () => { try { return sessionStorage.getItem('natter.open') === '1'; } catch (e) { return false; } };
const saveOpen = (v) => { try { sessionStorage.setItem('natter.open', v ? '1' : '0'); } catch (e) { /* ignore */ } };

let base, key, ui = null, ready = false, isOpen = false, wantOpen = null, contact = null, lastHref = '';
const queue = [], listeners = new Set();

const send = guard((msg) => { const w = ui && ui.frame.contentWindow; if (w) w.postMessage(msg, base); });

function post(type, extra) {
  const msg = Object.assign({ natter: 1, type }, extra);
  // Ready always sends the page, so an early page message is redundant.
  if (ready) send(msg); else if (type !== 'page') queue.push(msg);
}

// The fragment stays in the browser: sites keep tokens and private state there.
const pageUrl = () => location.href.split('#')[0];

function sendPage() {
  lastHref = pageUrl();
  post('page', { url: lastHref, title: document.title });
}

function setUnread(n) {
  if (!ui) return;
  const count = isOpen ? 0 : Math.max(0, Math.floor(n) || 0), b = ui.badge;
  b.textContent = count > 99 ? '99+' : count;
  b.setAttribute('aria-label', `${count} unread message${count === 1 ? '' : 's'}`);
  b.classList.toggle('hidden', !count);
  ui.host.dataset.unread = String(count);
}

function setOpen(v, byUser) {
  if (!ui) { wantOpen = v; return; }
  if (v === isOpen) return;
  isOpen = v;
  const { host, panel, bubble, frame } = ui;
  panel.classList.toggle('hidden', !v);
  bubble.innerHTML = v ? ICON_CLOSE : ICON_CHAT;
  bubble.setAttribute('aria-label', v ? 'Close chat' : 'Open chat');
  bubble.setAttribute('aria-expanded', v);
  host.dataset.state = v ? 'open' : 'closed';
  saveOpen(v);
  if (v) setUnread(0);
  post(v ? 'open' : 'close');
  // A cross-origin frame cannot take focus by itself without a gesture inside it.
  if (v && byUser) frame.focus();
  if (!v && document.activeElement === host) bubble.focus();
}

function onReady() {
  const again = ready;
  ready = true;
  ui.host.dataset.ready = '1';
  queue.splice(0).forEach(send);
  // The frame reloaded and lost its state: repeat what it was last told.
  if (again) {
    post(isOpen ? 'open' : 'close');
    if (contact) post('setContact', { contact });
    if (listeners.size) post('subscribe');
  }
  // Always last: the frame starts once it has heard the page.
  sendPage();
}

function onMessage(e) {
  if (!ui || e.origin !== base || e.source !== ui.frame.contentWindow) return;
  const d = e.data;
  if (!d || d.natter !== 1) return;
  if (d.type === 'ready') onReady();
  else if (d.type === 'unread') setUnread(d.count);
  else if (d.type === 'open') setOpen(true);
  else if (d.type === 'close') setOpen(false);
  else if (d.type === 'message') Array.from(listeners).forEach((fn) => guard(fn)(d.message));
}

function watchUrl() {
  let timer = 0;
  // Debounced so the title a router sets right after pushState goes along.
  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(guard(() => { if (pageUrl() !== lastHref) sendPage(); }), 100);
  };
  ['pushState', 'replaceState'].forEach((m) => {
    const orig = history[m];
    if (typeof orig === 'function') history[m] = function () { const r = orig.apply(this, arguments); check(); return r; };
  });
  addEventListener('popstate', check);
}

function build(cfg) {
  if (document.getElementById('natter-chat')) return warn('#natter-chat already exists');
  const color = /^#[0-9a-f]{3,8}$/i.test(cfg.color) ? cfg.color : '#6d4aff';
  const side = cfg.position === 'left' ? 'left' : 'right';
  const host = document.createElement('div');
  host.id = 'natter-chat';
  // Inline !important outranks any page rule aimed at the host.
  `all:initial;position:fixed;z-index:2147483000;bottom:20px;${side}:20px;width:auto;height:auto;display:block`
    .split(';').forEach((d) => { const [k, v] = d.split(':'); host.style.setProperty(k, v, 'important'); });
  host.dataset.state = 'closed';
  host.dataset.unread = '0';
  const root = host.attachShadow({ mode: 'closed' });
  root.innerHTML = `<style>${CSS}</style><div id="natter-panel" class="hidden ${side}">` +
    '<iframe id="natter-frame" title="Chat" allow="clipboard-write"></iframe></div><div class="launcher">' +
    `<button id="natter-bubble" part="bubble" type="button" aria-label="Open chat" aria-expanded="false" aria-controls="natter-panel">${ICON_CHAT}</button>` +
    '<span id="natter-badge" class="hidden" role="status" aria-label="0 unread messages">0</span></div>';
  const $ = (id) => root.getElementById(id);
  ui = { host, panel: $('natter-panel'), frame: $('natter-frame'), bubble: $('natter-bubble'), badge: $('natter-badge') };
  ui.bubble.style.background = color;
  ui.frame.src = `${base}/widget/frame?site_key=${encodeURIComponent(key)}`;
  ui.bubble.addEventListener('click', guard(() => setOpen(!isOpen, true)));
  root.addEventListener('keydown', guard((e) => { if (e.key === 'Escape') setOpen(false); }));
  addEventListener('message', guard(onMessage));
  document.body.appendChild(host);
  watchUrl();
  if (wantOpen !== null ? wantOpen : readOpen()) setOpen(true);
}

function run(cmd, args) {
  const [a, fn] = args;
  switch (cmd) {
    case 'open': return setOpen(true);
    case 'close': return setOpen(false);
    case 'toggle': return setOpen(!(ui ? isOpen : wantOpen !== null ? wantOpen : readOpen()));
    case 'setContact':
      if (!a || typeof a !== 'object') return warn('setContact expects an object');
      contact = a;
      return post('setContact', { contact });
    case 'reset':
      contact = null;
      return post('reset');
    case 'on': case 'off': {
      if (a !== 'message' || typeof fn !== 'function') return warn(`${cmd} expects ('message', function)`);
      // The frame sends messages only while the site listens: other scripts on the page can read them.
      const had = listeners.size;
      if (cmd === 'on') listeners.add(fn); else listeners.delete(fn);
      if (!had !== !listeners.size) post(listeners.size ? 'subscribe' : 'unsubscribe');
      return;
    }
    default: return warn('unknown command', cmd);
  }
}

function api(cmd, ...args) {
  try { run(cmd, args); } catch (e) { warn(e); }
}
api._natter = true;

// The embed snippet's stub is a function that is bare or carries a call queue; other values belong to the page.
const isStub = (v) => v === undefined ||
  (typeof v === 'function' && !v._natter && (Array.isArray(v.q) || Object.keys(v).length === 0));

function init() {
  const script = document.currentScript || document.querySelector('script[data-site-key][src*="widget.js"]');
  key = script && script.getAttribute('data-site-key');
  if (!key) return warn('missing data-site-key');
  base = new URL(script.src, location.href).origin;
  const name = script.getAttribute('data-global') || 'natter', current = window[name];
  if (current && current._natter) return warn('loaded twice');
  if (isStub(current)) {
    (current && Array.isArray(current.q) ? current.q.slice() : []).forEach((args) => api.apply(null, args));
    window[name] = api;
  } else {
    warn(`window.${name} is taken; set data-global`);
  }
  if (window.NatterChat === undefined) window.NatterChat = api;
  fetch(`${base}/api/v1/widget/config?site_key=${encodeURIComponent(key)}`, { credentials: 'omit' })
    .then((res) => { if (!res.ok) throw new Error(`config: HTTP ${res.status}`); return res.json(); })
    .then((cfg) => {
      if (!cfg || typeof cfg !== 'object') throw new Error('config: not an object');
      const go = guard(() => build(cfg));
      if (document.body) go(); else document.addEventListener('DOMContentLoaded', go, { once: true });
    })
    .catch((e) => warn('disabled:', (e && e.message) || e));
}

try { init(); } catch (e) { warn(e); }
})();
