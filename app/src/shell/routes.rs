//! The client's routes, as one list the server reads too: it answers these paths with the
//! app shell, keeps bio handles off them, and lists them in robots.txt. Anything that is
//! neither a file, a server route, one of these nor a bio handle gets the server's 404 page.
//!
//! Every `<Route path=…>` of [`super::App`] is here and nothing else is (a test reads
//! `shell/mod.rs`), so the two cannot drift apart.

/// The path patterns of the `<Route>`s in [`super::App`], in the same syntax: `/bio/:id`.
pub const CLIENT_ROUTES: &[&str] = &[
    "/",
    "/status",
    "/signup",
    "/login",
    "/verify-email",
    "/forgot-password",
    "/reset-password",
    "/account",
    "/setup",
    "/invite",
    "/workspace/team",
    "/workspace/settings",
    "/workspace/audit",
    "/notifications",
    "/bio",
    "/bio/:id",
    "/forms",
    "/forms/:id",
    "/media",
    "/links",
    "/billing",
    "/admin/billing",
];

/// True when `path` (no query) is one of [`CLIENT_ROUTES`]: the same number of segments,
/// static ones equal, `:param` ones not empty. One trailing slash is ignored.
pub fn is_client_route(path: &str) -> bool {
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() && !p.ends_with('/') => p,
        _ => path,
    };
    CLIENT_ROUTES.iter().any(|pattern| matches(pattern, path))
}

fn matches(pattern: &str, path: &str) -> bool {
    if pattern == "/" || path == "/" {
        return pattern == path;
    }
    let (mut want, mut got) = (pattern.split('/'), path.split('/'));
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with(':') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// The first segment of every client route (`bio`, `workspace`, …): names no handle may take.
pub fn first_segments() -> impl Iterator<Item = &'static str> {
    CLIENT_ROUTES.iter().filter_map(|p| p.trim_start_matches('/').split('/').next()).filter(|s| !s.is_empty() && !s.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `path!("…")` of every `<Route>` in shell/mod.rs.
    fn declared_routes() -> Vec<String> {
        let source = include_str!("mod.rs");
        let mut found = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("<Route ") {
            let tag = &rest[at..];
            let end = tag.find("/>").or_else(|| tag.find('>')).unwrap_or(tag.len());
            let tag = &tag[..end];
            let path = tag.split_once("path=path!(\"").and_then(|(_, p)| p.split_once('"')).map(|(p, _)| p.to_string());
            found.push(path.unwrap_or_else(|| panic!("a <Route> without a path!(\"…\") literal: {tag}")));
            rest = &rest[at + 7..];
        }
        found
    }

    #[test]
    fn the_list_is_exactly_the_routes_of_the_app() {
        let declared = declared_routes();
        assert!(declared.len() >= 10, "the scan found too few routes: {declared:?}");
        for d in &declared {
            assert!(CLIENT_ROUTES.contains(&d.as_str()), "<Route path={d}> is missing from CLIENT_ROUTES");
        }
        for r in CLIENT_ROUTES {
            assert!(declared.iter().any(|d| d == r), "{r} is in CLIENT_ROUTES but has no <Route> in shell/mod.rs");
        }
    }

    #[test]
    fn paths_match_their_patterns() {
        for yes in ["/", "/login", "/login/", "/bio", "/bio/123", "/bio/abc/", "/workspace/team", "/admin/billing"] {
            assert!(is_client_route(yes), "{yes}");
        }
        for no in ["", "//", "/ana", "/ana/", "/bio//", "/bio/1/2", "/workspace", "/workspace/other", "/login/x", "/admin", "/loginx", "/precache.txt"] {
            assert!(!is_client_route(no), "{no}");
        }
        let first: Vec<&str> = first_segments().collect();
        for s in ["status", "login", "workspace", "bio", "admin", "billing"] {
            assert!(first.contains(&s), "{s}");
        }
        assert!(!first.contains(&""));
    }
}
