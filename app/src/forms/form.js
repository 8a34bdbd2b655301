// The public form's script (M07), on top of a form that works without it:
// - every answer is kept in this browser's storage as it is typed, so a reload or a crash
//   loses nothing, and the run's key is kept with it;
// - conditions between fields of the same step are applied at once;
// - each step is sent with the run's key (the server stores one run per key) and sent again,
//   with growing pauses, until the server answers; nothing is lost meanwhile.
(function () {
  'use strict';
  // Embedded in another site (see embed.js): tell the page around how tall the form is.
  if (window.parent !== window) {
    // The content's own height: the document's is never less than the frame's, so a frame
    // taller than its form would never shrink.
    var tell = function () {
      var box = document.querySelector('main') || document.body;
      var below = parseFloat(getComputedStyle(box).marginBottom) || 0;
      var height = Math.ceil(box.getBoundingClientRect().bottom + window.scrollY + below);
      window.parent.postMessage({ type: 'mewayz-form:height', height: height }, '*');
    };
    window.addEventListener('load', tell);
    window.addEventListener('resize', tell);
    if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body || document.documentElement);
    // The embedding page's script may load after the first message: it asks, and is told.
    window.addEventListener('message', function (ev) {
      if (ev.source === window.parent && ev.data && ev.data.type === 'mewayz-form:ask') tell();
    });
    tell();
  }
  var form = document.querySelector('form[data-form]');
  if (!form) return;
  var slug = form.getAttribute('data-form');
  var store = 'mewayz-form:' + slug;
  var keyInput = form.querySelector('input[name="_key"]');
  var status = document.getElementById('form-status');

  function load() {
    try {
      return JSON.parse(localStorage.getItem(store)) || null;
    } catch (e) {
      return null;
    }
  }
  function save(run) {
    try {
      localStorage.setItem(store, JSON.stringify(run));
    } catch (e) {
      /* storage full or refused: the server still keeps each step */
    }
  }
  function inputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.charAt(0) !== '_' && el.type !== 'submit';
    });
  }
  function values(name) {
    return inputs()
      .filter(function (el) {
        return el.name === name && ((el.type !== 'radio' && el.type !== 'checkbox') || el.checked);
      })
      .map(function (el) {
        return el.value;
      });
  }
  function answers() {
    var out = {};
    inputs().forEach(function (el) {
      out[el.name] = values(el.name);
    });
    return out;
  }

  // The same run as before this reload: its key, and what was typed.
  var run = load();
  var resumed = /[?&]resume=/.test(location.search);
  if (run && run.key && !resumed) {
    keyInput.value = run.key;
  }
  if (!run || run.key !== keyInput.value) run = { key: keyInput.value, answers: {} };
  inputs().forEach(function (el) {
    var kept = run.answers[el.name];
    if (!kept) return;
    if (el.type === 'radio' || el.type === 'checkbox') el.checked = kept.indexOf(el.value) >= 0;
    else if (!el.value) el.value = kept[0] || '';
  });
  function remember() {
    var now = answers();
    for (var k in now) run.answers[k] = now[k];
    save(run);
  }
  remember();

  // Conditions on earlier fields of this step: the same rules as the server's.
  function num(v) {
    v = String(v).trim();
    return v !== '' && isFinite(Number(v)) ? Number(v) : null;
  }
  function isDate(v) {
    return /^\d{4}-\d{2}-\d{2}$/.test(String(v).trim());
  }
  function cmp(a, b) {
    var x = num(a);
    var y = num(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
    if (isDate(a) && isDate(b)) return a.trim() < b.trim() ? -1 : a.trim() > b.trim() ? 1 : 0;
    return null;
  }
  function holds(c) {
    var vs = values(c.field);
    var want = String(c.value || '').trim().toLowerCase();
    var blank = vs.every(function (v) {
      return v.trim() === '';
    });
    var eq = vs.some(function (v) {
      return v.trim().toLowerCase() === want;
    });
    switch (c.op) {
      case 'is_empty':
        return blank;
      case 'is_not_empty':
        return !blank;
      case 'equals':
        return eq;
      case 'not_equals':
        return !eq;
      case 'contains':
        return vs.some(function (v) {
          return v.toLowerCase().indexOf(want) >= 0;
        });
      case 'greater':
        return vs.length > 0 && cmp(vs[0], c.value) === 1;
      case 'less':
        return vs.length > 0 && cmp(vs[0], c.value) === -1;
    }
    return true;
  }
  var conditional = document.querySelectorAll('[data-show-if]');
  function apply() {
    Array.prototype.forEach.call(conditional, function (el) {
      var show = true;
      try {
        show = holds(JSON.parse(el.getAttribute('data-show-if')));
      } catch (e) {
        show = true;
      }
      el.hidden = !show;
      Array.prototype.forEach.call(el.querySelectorAll('input,textarea,select'), function (i) {
        i.disabled = !show;
      });
    });
  }
  apply();
  form.addEventListener('input', function () {
    remember();
    apply();
  });
  form.addEventListener('change', function () {
    remember();
    apply();
  });

  // Sending: the step's answers with the run's key, again and again until the server answers.
  var sending = false;
  function say(text) {
    if (!status) return;
    status.hidden = !text;
    status.textContent = text || '';
  }
  form.addEventListener('submit', function (ev) {
    if (!window.fetch || !window.URLSearchParams) return;
    ev.preventDefault();
    if (sending) return;
    sending = true;
    remember();
    var body = new URLSearchParams(new FormData(form)).toString();
    var last = form.getAttribute('data-last') === '1';
    var tries = 0;
    (function attempt() {
      tries++;
      say(form.getAttribute('data-t-sending'));
      fetch(form.action, {
        method: 'POST',
        body: body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        credentials: 'same-origin',
        redirect: 'follow'
      })
        .then(function (res) {
          if (res.status >= 500 || res.status === 429) throw new Error('status ' + res.status);
          if (res.redirected) {
            if (last) {
              try {
                localStorage.removeItem(store);
              } catch (e) {
                /* nothing kept */
              }
            }
            location.href = res.url;
            return;
          }
          // The server's own page (an answer to fix): show it as it is.
          return res.text().then(function (html) {
            sending = false;
            document.open();
            document.write(html);
            document.close();
          });
        })
        .catch(function () {
          var wait = Math.min(30, Math.pow(2, Math.min(tries, 5)));
          say((form.getAttribute('data-t-retry') || '').replace('{s}', wait));
          setTimeout(attempt, wait * 1000);
        });
    })();
  });
})();
