//! The page's components, one per file, as in Yew's todomvc: each takes what it shows as
//! properties and says what the user did through `on_<verb>` callbacks; only [`app::App`]
//! holds the state and turns those into [`Action`](crate::state::Action)s.

pub mod app;
pub mod coverage;
pub mod details;
pub mod diagnostics;
pub mod export;
pub mod findings;
pub mod input_panel;
pub mod progress;
pub mod report;
pub mod settings;
pub mod summary;
pub mod unusable;

use cpguard_core::Severity;

/// The CSS class of a severity's badge.
pub fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "sev sev-critical",
        Severity::Warning => "sev sev-warning",
        Severity::Info => "sev sev-info",
    }
}

/// `performance.now()` on the page, in ms.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
