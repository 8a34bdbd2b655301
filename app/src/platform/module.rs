//! The module registry. Each module (M01…M26) describes itself once, in its own folder, with
//! one [`Module`]: its key and name, its rows of the permission table, its plan limits, its
//! server fns, its navigation entries and dashboard cards, and (on the server) its indexes,
//! workspace collections, job kinds, in-memory state, background tasks and public routes.
//! `lib.rs` keeps the one list of modules ([`crate::MODULES`]); the platform reaches them
//! only through that list, handed to it at start, and never names a module itself.

use super::roles::{Action, ModulePermissions, Reach, WorkspaceRole};

/// One module's description of itself.
pub struct Module {
    /// The module's key, e.g. "bio". Unique in the registry.
    pub key: &'static str,
    /// The module's name, in the current language.
    pub name: fn() -> &'static str,
    /// Its rows of the permission table (one per area it guards).
    pub permissions: &'static [ModulePermissions],
    /// The plan limits it enforces.
    pub limits: &'static [Limit],
    /// Every server fn it registers, with how each is reached (the probe and the
    /// hostile-input harness iterate these).
    pub endpoints: &'static [(&'static str, Reach)],
    /// Its pages in the main navigation.
    pub nav: &'static [NavEntry],
    /// Its cards on the workspace dashboard.
    pub cards: &'static [Card],
    /// Its table of texts in every language (`TheTexts::KEYS` of its `texts!`), checked for
    /// completeness with the others. Only the server build carries it (the browser has no use
    /// for a second copy of every text).
    #[cfg(feature = "ssr")]
    pub texts: &'static [&'static [(&'static str, &'static str, &'static str)]],
    /// What only the server needs.
    #[cfg(feature = "ssr")]
    pub server: super::module_server::ServerParts,
}

/// What a plan limit measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// A number of records, reserved before each is written (pages, links, members).
    Count,
    /// Megabytes kept (storage), reserved before each file is stored.
    Megabytes,
    /// The most one item may be (the largest upload): nothing to count.
    PerItem,
    /// Records made in the current calendar month (UTC), counted by the module's `count`;
    /// the room comes back on the first of the month.
    PerMonth,
}

/// One plan limit, owned by the module that enforces it. `config/plans.json` is checked
/// against every module's limits when it is loaded.
pub struct Limit {
    /// The key in the plans' `limits`, e.g. "bio_pages".
    pub key: &'static str,
    /// Its label on the billing page ("Link-in-bio pages"), in the current language.
    pub label: fn() -> &'static str,
    /// How it is named in "You have reached the … limit" ("link-in-bio pages").
    pub phrase: fn() -> &'static str,
    pub kind: LimitKind,
    /// Orders the limits on the billing and plan pages (lower first) across modules.
    pub order: u16,
    /// How usage is counted from the records themselves (the reservation counter starts
    /// from it, and the billing page shows it). `None` for [`LimitKind::PerItem`].
    #[cfg(feature = "ssr")]
    pub count: Option<super::module_server::CountFn>,
    /// Frees room that went stale without a delete (invitations that expired), counting
    /// each freed record once. Tried when a reservation is refused.
    #[cfg(feature = "ssr")]
    pub reclaim: Option<super::module_server::CountFn>,
    /// For limits whose records stay but turn read-only after the plan drops: how they are
    /// listed on the billing page.
    pub read_only: Option<ReadOnlyRecords>,
}

/// The records of a limit, as the allowance after a plan drop sees them.
pub struct ReadOnlyRecords {
    /// Where they are managed ("/bio").
    pub href: &'static str,
    /// Orders the lines on the billing page (lower first) across modules.
    pub order: u16,
    /// "1 link-in-bio page" and "{n} link-in-bio pages", in the current language.
    pub one: fn() -> &'static str,
    pub many: fn() -> &'static str,
    /// Every counted record: (created, ms since the epoch; id), for the allowance.
    #[cfg(feature = "ssr")]
    pub records: super::module_server::RecordsFn,
}

/// Who sees a navigation entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavScope {
    /// Everyone, signed in or not.
    Everyone,
    /// A signed-in person.
    Person,
    /// A member of the open workspace whose role may view `area`.
    Workspace { area: &'static str },
    /// A platform administrator.
    PlatformAdmin,
}

/// One page of the main navigation.
#[derive(Clone, Copy, Debug)]
pub struct NavEntry {
    pub href: &'static str,
    /// Its label, in the current language.
    pub label: fn() -> &'static str,
    /// An SVG path (24×24 view box, stroked).
    pub icon: &'static str,
    /// Also marked current on the pages below it (`/bio/…` for `/bio`).
    pub section: bool,
    pub scope: NavScope,
    /// Orders the entries (lower first) across modules.
    pub order: u16,
}

/// A module's card on the dashboard.
#[derive(Clone, Copy, Debug)]
pub struct Card {
    /// The permission-table area that must allow viewing.
    pub area: &'static str,
    pub href: &'static str,
    /// Title and description, in the current language.
    pub title: fn() -> &'static str,
    pub text: fn() -> &'static str,
    /// The setup goals this card serves; empty for "every goal". Cards for the chosen
    /// goals come first.
    pub goals: &'static [&'static str],
    pub order: u16,
}

/// The registry: every module, in the order `lib.rs` lists them.
#[derive(Clone, Copy)]
pub struct Registry {
    pub modules: &'static [&'static Module],
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.modules.iter().map(|m| m.key)).finish()
    }
}

impl Registry {
    pub const fn new(modules: &'static [&'static Module]) -> Self {
        Registry { modules }
    }

    /// Every row of the permission table.
    pub fn permissions(&self) -> impl Iterator<Item = &'static ModulePermissions> + '_ {
        self.modules.iter().flat_map(|m| m.permissions.iter())
    }

    /// Whether `role` may do `action` in `area`. An unknown area allows nothing.
    pub fn allows(&self, role: WorkspaceRole, area: &str, action: Action) -> bool {
        self.permissions().find(|r| r.module == area).is_some_and(|r| role >= r.lowest_role(action))
    }

    /// Every plan limit of every module, ordered.
    pub fn limits(&self) -> impl Iterator<Item = &'static Limit> + '_ {
        let mut all: Vec<&'static Limit> = self.modules.iter().flat_map(|m| m.limits.iter()).collect();
        all.sort_by_key(|l| l.order);
        all.into_iter()
    }

    pub fn limit(&self, key: &str) -> Option<&'static Limit> {
        self.limits().find(|l| l.key == key)
    }

    /// The label of limit `key`, or the key itself when no module owns it.
    pub fn limit_label(&self, key: &str) -> String {
        self.limit(key).map(|l| (l.label)().to_string()).unwrap_or_else(|| key.to_string())
    }

    /// The navigation entries of every module, ordered.
    pub fn nav(&self) -> Vec<NavEntry> {
        let mut all: Vec<NavEntry> = self.modules.iter().flat_map(|m| m.nav.iter().copied()).collect();
        all.sort_by_key(|e| e.order);
        all
    }

    /// The dashboard cards of every module, ordered.
    pub fn cards(&self) -> Vec<Card> {
        let mut all: Vec<Card> = self.modules.iter().flat_map(|m| m.cards.iter().copied()).collect();
        all.sort_by_key(|c| c.order);
        all
    }

    /// What is wrong with the registry itself: a key, area, limit or server fn listed twice,
    /// a row whose actions are out of order, a card for an area nobody guards. Empty when
    /// all is well; checked by a test and at server start.
    pub fn problems(&self) -> Vec<String> {
        let mut out = vec![];
        let mut seen = std::collections::BTreeSet::new();
        for m in self.modules {
            if !seen.insert(("module", m.key)) {
                out.push(format!("module {} is listed twice", m.key));
            }
            for r in m.permissions {
                if !seen.insert(("area", r.module)) {
                    out.push(format!("{}: area {} is registered twice", m.key, r.module));
                }
                if !(r.view <= r.edit && r.edit <= r.manage) {
                    out.push(format!("{}: area {} must order view ≤ edit ≤ manage", m.key, r.module));
                }
            }
            for l in m.limits {
                if !seen.insert(("limit", l.key)) {
                    out.push(format!("{}: limit {} is registered twice", m.key, l.key));
                }
            }
            for (f, _) in m.endpoints {
                if !seen.insert(("fn", f)) {
                    out.push(format!("{}: server fn {f} is listed twice", m.key));
                }
            }
        }
        for c in self.cards() {
            if !self.permissions().any(|r| r.module == c.area) {
                out.push(format!("the card {} is for area {}, which no module guards", c.href, c.area));
            }
        }
        for e in self.nav() {
            if let NavScope::Workspace { area } = e.scope {
                if !self.permissions().any(|r| r.module == area) {
                    out.push(format!("the nav entry {} is for area {}, which no module guards", e.href, area));
                }
            }
        }
        out
    }
}
