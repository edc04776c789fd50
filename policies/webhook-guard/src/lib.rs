//! Kubewarden policy `webhook-guard`: flags Validating/MutatingWebhookConfigurations that can
//! block or slow the control plane (WH001–WH005). The rule is `cpguard_core::rules::webhook`;
//! this crate only adapts it to Kubewarden's waPC protocol.
//!
//! The API server never sends webhook configurations to admission webhooks, so in a cluster
//! this policy acts through Kubewarden's background audit scanner, and before the cluster in CI
//! (`kwctl run`).

use cpguard_core::k8s::WebhookConfiguration;
use cpguard_core::rules::webhook::{check_configuration, WebhookSettings};
use cpguard_core::rules::Violation;
use cpguard_policy_kit::{PolicySettings, Review};
use kubewarden_policy_sdk::protocol_version_guest;
use kubewarden_policy_sdk::wapc_guest::{self as guest, CallResult};
use serde::Deserialize;

/// The policy's settings: `maxTimeoutSeconds`, `requireKubeSystemExclusion`, `rejectWarnings`,
/// `exemptWebhooks`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Settings(pub WebhookSettings);

impl PolicySettings for Settings {
    type Checked = WebhookSettings;
    fn check(&self) -> Result<WebhookSettings, String> {
        self.0
            .validate()
            .map(|()| self.0.clone())
            .map_err(|e| e.to_string())
    }
}

/// The kinds this policy reads.
pub const KINDS: &[&str] = cpguard_core::k8s::WEBHOOK_CONFIGURATION_KINDS;

/// Runs the rule on the object under review.
pub fn evaluate(
    review: Review<WebhookConfiguration>,
    settings: &WebhookSettings,
) -> Vec<Violation> {
    let mut config = review.object;
    if config.kind.is_none() {
        config.kind = review.request_kind;
    }
    if !KINDS.contains(&config.kind.as_deref().unwrap_or_default()) {
        return Vec::new();
    }
    check_configuration(&config, settings)
}

fn validate(payload: &[u8]) -> CallResult {
    cpguard_policy_kit::validate::<Settings, WebhookConfiguration, _>(payload, evaluate)
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
