// Embeds Mewayz forms (M07) in another site: each <iframe data-mewayz-form> grows to the
// height of the form inside it. Only messages from the form's own origin, and from one of
// these frames, are heard.
(function () {
  'use strict';
  var me = document.currentScript;
  var origin;
  try {
    origin = new URL(me && me.src ? me.src : '', location.href).origin;
  } catch (e) {
    return;
  }
  // Ask each frame for its height: it may have said so before this script ran. The question
  // carries nothing private, so it goes to whatever the frame holds yet (a frame still
  // loading holds a blank page, and its load event asks again).
  function ask(frame) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'mewayz-form:ask' }, '*');
  }
  var all = document.querySelectorAll('iframe[data-mewayz-form]');
  for (var j = 0; j < all.length; j++) {
    all[j].addEventListener('load', ask.bind(null, all[j]));
    ask(all[j]);
  }
  window.addEventListener('message', function (ev) {
    if (ev.origin !== origin) return;
    var d = ev.data;
    if (!d || d.type !== 'mewayz-form:height' || typeof d.height !== 'number') return;
    var frames = document.querySelectorAll('iframe[data-mewayz-form]');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === ev.source) {
        frames[i].style.height = Math.max(80, Math.min(20000, Math.ceil(d.height))) + 'px';
      }
    }
  });
})();
