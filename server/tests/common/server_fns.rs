//! The `#[server]` fns declared in the app's source, with every argument's name and Rust
//! type. Tests that must cover every server fn (the cross-workspace probe, the hostile-input
//! corpus) read this list and check it against the server's registry
//! (`server::api::server_fn_paths()`), so a fn added later cannot escape them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One argument of a server fn, as written in its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub name: String,
    /// The Rust type, whitespace collapsed: `String`, `Vec<String>`, `Option<i64>`.
    pub ty: String,
    /// The argument's attributes, e.g. `#[server(default)]`.
    pub attrs: Vec<String>,
}

impl Arg {
    /// True when the argument carries `#[server(default)]`: it may be left out of the form.
    pub fn has_default(&self) -> bool {
        self.attrs.iter().any(|a| a.replace(' ', "").contains("server(default"))
    }
}

/// A `#[server]` fn found in the source.
#[derive(Debug, Clone)]
pub struct Declared {
    pub endpoint: String,
    pub file: PathBuf,
    /// The Rust name of the fn.
    pub fn_name: String,
    pub args: Vec<Arg>,
}

impl Declared {
    /// The name of its first argument (empty when it has none).
    pub fn first_arg(&self) -> &str {
        self.args.first().map(|a| a.name.as_str()).unwrap_or("")
    }

    pub fn path(&self) -> String {
        format!("/api/{}", self.endpoint)
    }
}

/// `app/src`.
pub fn app_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src")
}

/// Removes `// …` comments (whole-line and trailing). Server fn signatures hold no string
/// literals, and a `//` inside one elsewhere only shortens text the scan does not read.
fn strip_line_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The index just past the bracket that closes the one opening at `text[0]`.
fn matching_close(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + c.len_utf8());
            }
        }
    }
    None
}

/// Splits at commas not nested in `<>`, `()` or `[]`.
pub fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = vec![];
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if !text[..i].ends_with('-') => depth -= 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

pub fn parse_arg(piece: &str, file: &Path) -> Arg {
    let mut rest = piece.trim();
    let mut attrs = vec![];
    while rest.starts_with("#[") {
        let end = matching_close(&rest[1..], '[', ']').unwrap_or_else(|| panic!("{}: unclosed attribute in {piece:?}", file.display())) + 1;
        attrs.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    let (name, ty) = rest.split_once(':').unwrap_or_else(|| panic!("{}: cannot read the server fn argument {piece:?}", file.display()));
    let name = name.trim().trim_start_matches("mut ").trim().to_string();
    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ").replace("< ", "<").replace(" >", ">").replace(" <", "<");
    Arg { name, ty, attrs }
}

/// The `#[server(...)]` fns in the Rust files under `dir`.
pub fn declared_server_fns(dir: &Path) -> Vec<Declared> {
    let mut found = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Code only: comments may mention `#[server]` in prose.
                let code = strip_line_comments(&text);
                let mut rest = code.as_str();
                while let Some(at) = rest.find("#[server") {
                    let after = &rest[at + "#[server".len()..];
                    let (attr, tail) = if let Some(t) = after.strip_prefix(']') {
                        ("", t)
                    } else if after.starts_with('(') {
                        let end = after.find(")]").unwrap_or_else(|| panic!("{}: unclosed #[server(", path.display()));
                        (&after[1..end], &after[end + 2..])
                    } else {
                        rest = after;
                        continue;
                    };
                    rest = tail;
                    // `#[server(default)]` and the like on an argument are not a server fn:
                    // an argument's name and `:` come before any `fn`.
                    let fn_at = tail.find("fn ").unwrap_or(usize::MAX);
                    let colon_at =
                        tail.match_indices(':').map(|(i, _)| i).find(|&i| !tail[i..].starts_with("::") && !tail[..i].ends_with(':')).unwrap_or(usize::MAX);
                    if colon_at < fn_at {
                        continue;
                    }
                    let endpoint = attr
                        .split(',')
                        .filter_map(|part| part.split_once('='))
                        .find(|(k, _)| k.trim() == "endpoint")
                        .map(|(_, v)| v.trim().trim_matches('"').to_string())
                        .unwrap_or_else(|| {
                            panic!("{}: a #[server] fn without `endpoint = \"…\"`: its path would be generated, and the scan could not name it", path.display())
                        });
                    let sig = &tail[fn_at + "fn ".len()..];
                    let open = sig.find('(').unwrap_or_else(|| panic!("{}: no argument list for {endpoint}", path.display()));
                    // Generic parameters would sit between the name and `(`.
                    let fn_name = sig[..open].split('<').next().unwrap().trim().to_string();
                    let close = matching_close(&sig[open..], '(', ')').unwrap_or_else(|| panic!("{}: unclosed argument list for {endpoint}", path.display()));
                    let params = &sig[open + 1..open + close - 1];
                    let args = split_top_level(params).into_iter().map(|p| parse_arg(p, &path)).collect();
                    found.push(Declared { endpoint, file: path.clone(), fn_name, args });
                }
            }
        }
    }
    found.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
    found
}

/// Every server fn declared anywhere in `app/src`.
pub fn all_declared() -> Vec<Declared> {
    declared_server_fns(&app_src())
}
