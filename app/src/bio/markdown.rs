//! The small markdown subset of text blocks: paragraphs (a blank line), line breaks,
//! `**bold**`, `*italic*` and `[text](url)`. Everything else is text: the input is escaped
//! first, and the only tags ever produced are `p`, `br`, `strong`, `em` and `a` with an
//! address that passes [`super::check_link_url`].

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders `text` to safe HTML.
pub fn to_html(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::new();
    for para in normalized.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        let lines: Vec<String> = para.lines().map(inline).collect();
        out.push_str(&lines.join("<br>"));
        out.push_str("</p>");
    }
    out
}

/// One line: emphasis and links. Works on characters, so any input is handled.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        // [text](url)
        if chars[i] == '[' {
            if let Some((label, url, next)) = link_at(&chars, i) {
                if super::check_link_url("url", &url).is_none() {
                    out.push_str("<a href=\"");
                    out.push_str(&escape(url.trim()));
                    out.push_str("\" rel=\"noopener nofollow ugc\">");
                    out.push_str(&emphasis(&label));
                    out.push_str("</a>");
                } else {
                    out.push_str(&escape(&label));
                }
                i = next;
                continue;
            }
        }
        // Collect plain text up to the next '['.
        let start = i;
        i += 1;
        while i < chars.len() && chars[i] != '[' {
            i += 1;
        }
        let seg: String = chars[start..i].iter().collect();
        out.push_str(&emphasis(&seg));
    }
    out
}

/// `[label](url)` starting at `i`: the label, the url and the index after `)`.
fn link_at(chars: &[char], i: usize) -> Option<(String, String, usize)> {
    let close = (i + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    let label: String = chars[i + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    if label.trim().is_empty() {
        return None;
    }
    Some((label, url, end + 1))
}

/// `**bold**` and `*italic*` in plain text; unmatched markers stay as they are.
fn emphasis(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = closing(after, "**") {
                out.push_str("<strong>");
                out.push_str(&escape(&after[..end]));
                out.push_str("</strong>");
                rest = &after[end + 2..];
                continue;
            }
        } else if let Some(after) = rest.strip_prefix('*') {
            if let Some(end) = closing(after, "*") {
                out.push_str("<em>");
                out.push_str(&escape(&after[..end]));
                out.push_str("</em>");
                rest = &after[end + 1..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        // Plain text runs up to the next '*'.
        let next = rest[len..].find('*').map(|p| p + len).unwrap_or(rest.len());
        out.push_str(&escape(&rest[..next]));
        rest = &rest[next..];
    }
    out
}

/// Where the emphasis opened just before `after` closes: the text must start and end with a
/// non-space (so "2 * 3" is not emphasis), as in CommonMark.
fn closing(after: &str, marker: &str) -> Option<usize> {
    if after.starts_with(char::is_whitespace) || after.starts_with('*') {
        return None;
    }
    let mut from = 0;
    while let Some(p) = after[from..].find(marker).map(|p| p + from) {
        if p > 0 && !after[..p].ends_with(char::is_whitespace) {
            return Some(p);
        }
        from = p + marker.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset() {
        assert_eq!(to_html("Hello **big** *world*"), "<p>Hello <strong>big</strong> <em>world</em></p>");
        assert_eq!(to_html("a\nb\n\nc"), "<p>a<br>b</p><p>c</p>");
        assert_eq!(to_html("[Shop](https://x.io/a?b=1&c=2)"), "<p><a href=\"https://x.io/a?b=1&amp;c=2\" rel=\"noopener nofollow ugc\">Shop</a></p>");
        assert_eq!(to_html("2 * 3 = 6, **unclosed"), "<p>2 * 3 = 6, **unclosed</p>");
        assert_eq!(to_html(""), "");
    }

    #[test]
    fn hostile_input_stays_text() {
        assert_eq!(to_html("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
        assert_eq!(to_html("[x](javascript:alert(1))"), "<p>x)</p>");
        assert_eq!(to_html("[x](data:text/html,hi)"), "<p>x</p>");
        assert_eq!(
            to_html("[\"><img src=x onerror=alert(1)>](https://a.io)"),
            "<p><a href=\"https://a.io\" rel=\"noopener nofollow ugc\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a></p>"
        );
        assert_eq!(to_html("[a](https://a.io\" onmouseover=\"x)"), "<p>a</p>");
        assert_eq!(to_html("**<b>**"), "<p><strong>&lt;b&gt;</strong></p>");
        // Any input at all: no panic, no raw angle brackets.
        for s in ["[", "[]()", "[a](", "*", "**", "***", "[**](https://a.io)", "é*ü*", "\u{0}"] {
            let h = to_html(s);
            assert!(!h.contains("<script"), "{s:?}");
        }
    }
}
