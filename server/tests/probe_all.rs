//! The cross-workspace probe covers every server fn, including ones added later.
//!
//! `app::MODULES` (the registry) lists every module with its server fns. Here:
//!
//! - together those lists name exactly the server fns the server registers, each once; a
//!   registered fn missing from every list, or a list naming a fn the server does not have,
//!   fails the check (and a test shows it does);
//! - every module's list agrees with its source ([`probe::check_endpoint_list`]: each
//!   `#[server]` fn under `app/src/<module>/` is listed, with the right reach);
//! - every module of the list has a probe test that runs it: a `#[tokio::test]` in
//!   `server/tests/` calling `probe::run` with a `ModuleSpec` of that module (the probe
//!   itself checks, when it runs, that the spec's list is the module's whole list). The
//!   per-module probes stay in their modules' test files, next to the helpers that seed the
//!   victim with that module's records (pages, files, links, devices), which the arguments
//!   of their fns then name;
//! - the status module's probe runs here (it has no test file of its own).
//!
//! It prints the number of server fns, and the probe calls made here; each module's probe
//! prints its own count of calls.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use app::platform::Reach;
use common::probe::{self, Fixture, ModuleSpec};
use common::web::start;

type Modules<'a> = [(&'a str, &'a [(&'a str, Reach)])];

/// The POST paths of the registered server fns.
fn registered() -> BTreeSet<String> {
    let all = server::api::server_fn_paths();
    let other: Vec<_> = all.iter().filter(|(_, m)| *m != axum::http::Method::POST).collect();
    assert!(other.is_empty(), "server fns not reached by POST, which the probe does not call: {other:?}");
    all.into_iter().map(|(p, _)| p).collect()
}

/// Panics unless `modules` together list each of `registered` exactly once, and nothing else.
fn check_module_lists(modules: &Modules<'_>, registered: &BTreeSet<String>) -> usize {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (module, endpoints) in modules {
        assert!(names.insert(*module), "the module {module} is in API_MODULES twice");
        for (name, _) in endpoints.iter() {
            if let Some(first) = seen.insert(format!("/api/{name}"), *module) {
                panic!("the server fn {name} is listed twice: in {first} and in {module}");
            }
        }
    }
    let listed: BTreeSet<String> = seen.keys().cloned().collect();
    let unlisted: Vec<&String> = registered.difference(&listed).collect();
    assert!(unlisted.is_empty(), "registered server fns that no module's ENDPOINTS lists, so no probe would test them: {unlisted:?}");
    let unknown: Vec<&String> = listed.difference(registered).collect();
    assert!(unknown.is_empty(), "listed server fns the server does not register: {unknown:?}");
    listed.len()
}

#[test]
fn every_registered_server_fn_is_listed_once_with_its_module() {
    let registered = registered();
    let n = check_module_lists(&api_modules(), &registered);
    assert_eq!(n, registered.len());
    // Each module's list also agrees with its source, fn by fn and reach by reach.
    let no_args = |_: &str, _: &Fixture| None;
    let mut by_reach: BTreeMap<String, usize> = BTreeMap::new();
    for (module, endpoints) in api_modules() {
        let spec = ModuleSpec { module, endpoints, view_only: &[], viewer_self_service: &[], routes: &[], args: &no_args };
        probe::check_endpoint_list(&spec);
        for (_, reach) in endpoints.iter() {
            *by_reach.entry(format!("{reach:?}")).or_default() += 1;
        }
    }
    eprintln!("probe_all: {n} server fns registered, all listed in {} modules ({by_reach:?})", api_modules().len());
}

#[test]
fn every_module_has_a_probe_test_that_runs_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    for (module, _) in api_modules() {
        let marker = format!("module: \"{module}\"");
        let with_probe: Vec<&str> = files
            .iter()
            .filter(|(_, text)| {
                // Code only: a comment naming the module proves nothing.
                let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                code.contains(&marker) && code.contains("probe::run(") && code.contains("#[tokio::test")
            })
            .map(|(name, _)| name.as_str())
            .collect();
        assert!(
            !with_probe.is_empty(),
            "no test in server/tests runs the cross-workspace probe for the module {module} (probe::run with ModuleSpec {{ {marker}, .. }})"
        );
    }
}

/// The check above must be able to fail.
#[test]
fn a_server_fn_missing_from_every_list_fails_the_check() {
    let registered = registered();
    let panic_message = |modules: Vec<(&'static str, Vec<(&'static str, Reach)>)>, registered: BTreeSet<String>| {
        let borrowed: Vec<(&str, &[(&str, Reach)])> = modules.iter().map(|(m, e)| (*m, e.as_slice())).collect();
        let r = std::panic::catch_unwind(|| check_module_lists(&borrowed, &registered));
        let e = r.expect_err("the check passed a wrong list");
        e.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let all: Vec<(&'static str, Vec<(&'static str, Reach)>)> = api_modules().iter().map(|(m, e)| (*m, e.to_vec())).collect();

    // A fn dropped from its module's list.
    let without: Vec<_> = all.iter().map(|(m, e)| (*m, e.iter().copied().filter(|(n, _)| *n != "revoke_session").collect())).collect();
    let msg = panic_message(without, registered.clone());
    assert!(msg.contains("/api/revoke_session") && msg.contains("no module's ENDPOINTS lists"), "{msg}");
    // A whole module left out.
    let without: Vec<_> = all.iter().filter(|(m, _)| *m != "status").cloned().collect();
    let msg = panic_message(without, registered.clone());
    assert!(msg.contains("/api/status"), "{msg}");
    // A new fn registered that no list names.
    let mut more = registered.clone();
    more.insert("/api/export_every_workspace".into());
    let msg = panic_message(all.clone(), more);
    assert!(msg.contains("/api/export_every_workspace"), "{msg}");
    // A fn listed twice, and one the server does not have.
    let mut twice = all.clone();
    twice[0].1.push(("list_media", Reach::Workspace));
    let msg = panic_message(twice, registered.clone());
    assert!(msg.contains("list_media is listed twice"), "{msg}");
    let mut ghost = all.clone();
    ghost[0].1.push(("steal_everything", Reach::Public));
    let msg = panic_message(ghost, registered.clone());
    assert!(msg.contains("/api/steal_everything"), "{msg}");
    // The real lists pass.
    check_module_lists(&api_modules(), &registered);
}

#[tokio::test]
async fn the_status_fn_passes_the_probe() {
    let env = start("status_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let args = |endpoint: &str, _: &Fixture| -> Option<Vec<(String, String)>> {
        match endpoint {
            "status" => Some(vec![]),
            _ => None,
        }
    };
    let spec = ModuleSpec { module: "status", endpoints: app::status::ENDPOINTS, view_only: &[], viewer_self_service: &[], routes: &[], args: &args };
    let tally = probe::run(&env, &fx, &spec).await;
    assert_eq!(tally.fns, 1);
    assert!(tally.calls >= 1);
    // Signed out it says only what any visitor may know.
    let s: app::status::SystemStatus = env.browser().ok("status", &[]).await;
    assert!(s.database_ready);
}

/// Every registered module's key and server fns, from the registry.
fn api_modules() -> Vec<(&'static str, &'static [(&'static str, Reach)])> {
    app::MODULES.iter().map(|m| (m.key, m.endpoints)).collect()
}
