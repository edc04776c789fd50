//! Kubewarden policy `unsafe-sysctls`: rejects Pods and workloads whose pod spec asks for unsafe
//! sysctls (SYS001), namespaced sysctls in a host namespace (SYS002) or sysctl values that can
//! inject further sysctls (SYS003). The rule is `cpguard_core::rules::sysctl`; this crate only
//! adapts it to Kubewarden's waPC protocol.

use cpguard_core::k8s::Workload;
use cpguard_core::rules::sysctl::{SysctlPolicy, SysctlSettings};
use cpguard_core::rules::Violation;
use cpguard_policy_kit::{PolicySettings, Review};
use kubewarden_policy_sdk::protocol_version_guest;
use kubewarden_policy_sdk::wapc_guest::{self as guest, CallResult};
use serde::Deserialize;

/// The policy's settings: `allowedUnsafeSysctls`, `forbiddenSysctls`, `podSecurityVersion`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Settings(pub SysctlSettings);

impl PolicySettings for Settings {
    type Checked = SysctlPolicy;
    fn check(&self) -> Result<SysctlPolicy, String> {
        self.0.validate().map_err(|e| e.to_string())
    }
}

/// Runs the rule on the object under review.
pub fn evaluate(review: Review<Workload>, policy: &SysctlPolicy) -> Vec<Violation> {
    let mut workload = review.object;
    if workload.kind.is_none() {
        workload.kind = review.request_kind;
    }
    // Kinds without a pod spec give no violations.
    policy.check_workload(&workload)
}

fn validate(payload: &[u8]) -> CallResult {
    cpguard_policy_kit::validate::<Settings, Workload, _>(payload, evaluate)
}

#[allow(unsafe_code)] // `no_mangle` is how the waPC host finds the entry point.
#[no_mangle]
pub extern "C" fn wapc_init() {
    guest::register_function("validate", validate);
    guest::register_function(
        "validate_settings",
        cpguard_policy_kit::validate_settings::<Settings>,
    );
    guest::register_function("protocol_version", protocol_version_guest);
}
