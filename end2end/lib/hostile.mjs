// Hostile strings shared by the browser tests: each tries to run script if it ever reached
// a page unescaped. The marker `__pwned` is what a successful payload would set.
/** A 1×1 PNG as a data URL, as the browser's file reader hands an upload over. */
export const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';

export const XSS = [
  '<script>window.__pwned = 1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  "'><svg onload=window.__pwned=1>",
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '</title></style><script>window.__pwned=1</script>',
  '<a href="javascript:window.__pwned=1">x</a>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>',
];

/** URLs that must be refused wherever a link is entered. */
export const BAD_URLS = ['javascript:window.__pwned=1', 'JaVaScRiPt:window.__pwned=1', 'data:text/html,<script>window.__pwned=1</script>', 'vbscript:msgbox(1)'];

/** Inspects the open page: any executed payload, script element, inline handler or
 *  script URL. Returns a list of findings (empty when clean). */
export async function findScript(page) {
  return page.evaluate(() => {
    const found = [];
    if (window.__pwned) found.push('a payload ran');
    const docs = [document, ...[...document.querySelectorAll('iframe')].map((f) => { try { return f.contentDocument; } catch { return null; } }).filter(Boolean)];
    for (const doc of docs) {
      for (const el of doc.querySelectorAll('*')) {
        if (el.tagName === 'SCRIPT') found.push('script element');
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}`);
          const url = /^(href|src|action|formaction|srcdoc|data)$/i.test(attr.name);
          if (url && /^\s*(javascript|vbscript):/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
          // data: can carry a document where it is navigated to or framed (an icon cannot).
          if (url && /^\s*data:/i.test(attr.value) && /^(A|AREA|IFRAME|FRAME|FORM|OBJECT|EMBED|BUTTON|INPUT)$/.test(el.tagName)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
      }
    }
    return found;
  });
}

/** Records every dialog (alert, confirm, prompt) the page opens, and dismisses it. */
export function watchDialogs(page) {
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return dialogs;
}

/** Runs in the page (with `until`): true when `text` is shown as text, in the page's text or
 *  as the value of a form field. */
export function showsText(text) {
  if (document.body && document.body.innerText.includes(text)) return true;
  return [...document.querySelectorAll('input, textarea')].some((el) => el.value.includes(text));
}

/** Calls a server fn from the open (signed-in) page, form-encoded as the client does.
 *  Returns the status and the decoded JSON answer (null when it is not JSON). */
export async function callFn(page, endpoint, fields) {
  return page.evaluate(async ([endpoint, fields]) => {
    const res = await fetch(`/api/${endpoint}`, { method: 'POST', body: new URLSearchParams(fields) });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body };
  }, [endpoint, fields]);
}
