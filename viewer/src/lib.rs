//! cpguard's report viewer: paste or drop what `kubectl` exported, see what threatens the
//! control plane. The analysis is the core's `analyze`, run in a web worker; nothing leaves
//! the browser.
//!
//! - [`state`]: the one `State`/`Action` reducer (tested natively).
//! - [`model`]: what the views show, computed from the state (tested natively).
//! - [`analysis`]: the worker's job, a pure function (tested natively).
//! - [`worker_hook`]: `use_worker`, the one owner of the worker's life and the running job.
//! - [`bridge`]: the page's end of the worker's messages; [`worker`]: the worker's end.
//! - [`components`] and [`charts`]: one Yew function component per file.

pub mod analysis;
pub mod bridge;
pub mod charts;
pub mod components;
pub mod model;
pub mod sample;
pub mod state;
pub mod worker;
pub mod worker_hook;
