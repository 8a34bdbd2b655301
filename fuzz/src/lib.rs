//! Checks shared by the fuzz targets: a strict reader for the HTML the project produces.
//!
//! The project's HTML is generated, never parsed, so the reader only accepts what the
//! generators are meant to emit: `<name attr="value" …>` tags, text with the five escapes,
//! and raw-text elements (`style`) without any `<`. Anything else is a finding.

/// One tag as written.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub closing: bool,
    /// Attribute names and their values with the escapes undone.
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Elements without a closing tag.
pub const VOID: &[&str] = &["!doctype", "meta", "link", "img", "input", "br", "hr"];

/// Undoes [`app::bio::markdown::escape`]; `Err` for a `&` that does not start one of its
/// escapes, or for a raw `<`, `>`, `"` or `'`.
pub fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            let (entity, ch) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\'')]
                .into_iter()
                .find(|(e, _)| rest.starts_with(e))
                .ok_or_else(|| format!("a raw '&' in {s:?}"))?;
            out.push(ch);
            rest = &rest[entity.len()..];
            continue;
        }
        if matches!(c, '<' | '>' | '"' | '\'') {
            return Err(format!("a raw {c:?} in {s:?}"));
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// Reads `html` into its tags, checking the text between them, attribute quoting, raw-text
/// elements and that every non-void element is closed in order.
pub fn read_html(html: &str, raw_text: &[&str]) -> Result<Vec<Tag>, String> {
    let mut tags = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            unescape(rest)?;
            break;
        };
        unescape(&rest[..lt])?;
        rest = &rest[lt + 1..];
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '!')).unwrap_or(rest.len());
        if name_len == 0 {
            return Err(format!("a '<' that starts no tag, before {:?}", head(rest)));
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(' ');
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            if closing {
                return Err(format!("attributes in the closing tag </{name}"));
            }
            let n_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':')).unwrap_or(rest.len());
            if n_len == 0 {
                return Err(format!("a broken attribute in <{name}, before {:?}", head(rest)));
            }
            let attr = rest[..n_len].to_ascii_lowercase();
            rest = &rest[n_len..];
            if let Some(r) = rest.strip_prefix("=\"") {
                let end = r.find('"').ok_or_else(|| format!("an unterminated value of {attr} in <{name}"))?;
                attrs.push((attr, unescape(&r[..end])?));
                rest = &r[end + 1..];
            } else if rest.starts_with(' ') || rest.starts_with('>') {
                attrs.push((attr, String::new()));
            } else {
                return Err(format!("an unquoted value of {attr} in <{name}"));
            }
        }
        if closing {
            match open.pop() {
                Some(o) if o == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !VOID.contains(&name.as_str()) {
            open.push(name.clone());
            if raw_text.contains(&name.as_str()) {
                let end = rest.find(&format!("</{name}>")).ok_or_else(|| format!("<{name}> is not closed"))?;
                if rest[..end].contains('<') {
                    return Err(format!("a '<' inside <{name}>"));
                }
                rest = &rest[end..];
            }
        }
        tags.push(Tag { name, closing, attrs });
    }
    if !open.is_empty() {
        return Err(format!("unclosed elements {open:?}"));
    }
    Ok(tags)
}

fn head(s: &str) -> &str {
    let mut end = s.len().min(40);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Splits fuzz bytes into `n` strings at 0xff bytes (never valid UTF-8), lossily decoded.
pub fn fields(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = data.splitn(n, |b| *b == 0xff).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    out.resize(n, String::new());
    out
}
