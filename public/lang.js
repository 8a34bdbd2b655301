// Chooses the language of the page before it is drawn, the same way the app does once it
// runs (app/src/i18n/mod.rs, init_client): the language kept on this device (the profile's
// choice), else the browser's, else English. Static pages (the boot text, offline.html)
// carry both languages; the stylesheet shows the one of <html lang>.
(function () {
  var supported = function (code) {
    var primary = String(code || '').trim().split(/[-_]/)[0].toLowerCase();
    return primary === 'en' || primary === 'fr' ? primary : null;
  };
  var kept = null;
  try {
    kept = supported(window.localStorage.getItem('mewayz.lang'));
  } catch (e) {
    kept = null;
  }
  var lang = kept || supported(navigator.language) || 'en';
  var root = document.documentElement;
  root.setAttribute('lang', lang);
  var title = root.getAttribute('data-title-' + lang);
  if (title) document.title = title;
})();
