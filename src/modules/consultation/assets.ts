// The call timer: a progressive enhancement of the consultation form, served as a same-origin
// script (the CSP forbids inline scripts). Without JavaScript the duration field is typed by hand.
export const CALL_TIMER_JS = `(() => {
  'use strict';
  const field = document.getElementById('f-callDuration');
  const box = document.getElementById('call-timer');
  if (!field || !box) return;
  const fmt = (s) => Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  const ja = document.documentElement.lang !== 'en';
  const start = document.createElement('button');
  start.type = 'button'; start.className = 'secondary'; start.id = 'call-timer-start';
  start.textContent = ja ? '通話開始' : 'Start call';
  const stop = document.createElement('button');
  stop.type = 'button'; stop.className = 'secondary'; stop.id = 'call-timer-stop'; stop.disabled = true;
  stop.textContent = ja ? '通話終了' : 'End call';
  const out = document.createElement('span');
  out.setAttribute('role', 'status'); out.setAttribute('aria-live', 'polite'); out.id = 'call-timer-status';
  box.append(start, ' ', stop, ' ', out);
  let t0 = 0; let timer = 0;
  const tick = () => { const s = Math.round((Date.now() - t0) / 1000); field.value = fmt(s); };
  start.addEventListener('click', () => {
    t0 = Date.now(); tick(); timer = window.setInterval(tick, 1000);
    start.disabled = true; stop.disabled = false; out.textContent = ja ? '通話中…' : 'Call in progress…';
  });
  stop.addEventListener('click', () => {
    window.clearInterval(timer); tick(); start.disabled = false; stop.disabled = true;
    out.textContent = (ja ? '通話時間 ' : 'Duration ') + field.value;
  });
})();
`;
