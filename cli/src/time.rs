//! The clock, for inputs that carry no time of their own (the parsing is the core's).

use std::time::{SystemTime, UNIX_EPOCH};

pub fn unix_seconds(t: SystemTime) -> Option<f64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs_f64())
}

pub fn now() -> f64 {
    unix_seconds(SystemTime::now()).unwrap_or_default()
}

pub use cpguard_core::time::parse;
