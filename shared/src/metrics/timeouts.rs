//! Admission webhooks' configured timeouts, keyed as the API server's metrics name a webhook:
//! by kind (the metric's `type` label: `validate`/`validating` for a
//! ValidatingWebhookConfiguration, `admit`/`mutating` for a MutatingWebhookConfiguration) and
//! webhook name. A name alone is not enough: cert-manager names its validating and its mutating
//! webhook `webhook.cert-manager.io` alike, with their own timeouts.

use std::collections::BTreeMap;

pub use crate::k8s::WebhookKind;

/// One configured webhook's timeout and where it was configured.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfiguredTimeout {
    /// `ValidatingWebhookConfiguration/cert-manager-webhook`.
    pub configuration: String,
    pub seconds: f64,
}

/// Every configured webhook's timeout, by (kind, webhook name); each key lists the
/// configurations holding such a webhook.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebhookTimeouts {
    by_key: BTreeMap<(WebhookKind, String), Vec<ConfiguredTimeout>>,
}

impl WebhookTimeouts {
    pub fn insert(&mut self, kind: WebhookKind, configuration: String, name: &str, seconds: f64) {
        self.by_key
            .entry((kind, name.to_owned()))
            .or_default()
            .push(ConfiguredTimeout {
                configuration,
                seconds,
            });
    }

    /// The timeout of the webhook a metric series names (`type`, `name`), and how many
    /// configurations of that kind hold a webhook of that name. When several do, the metric
    /// cannot tell them apart, so the lowest timeout (the first to fire) is the one returned.
    pub fn lookup(&self, metric_type: &str, name: &str) -> Option<(&ConfiguredTimeout, usize)> {
        let kind = WebhookKind::of_metric_type(metric_type)?;
        let all = self.by_key.get(&(kind, name.to_owned()))?;
        all.iter()
            .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
            .map(|t| (t, all.len()))
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_in_a_validating_and_a_mutating_configuration() {
        let mut t = WebhookTimeouts::default();
        t.insert(
            WebhookKind::Validating,
            "ValidatingWebhookConfiguration/cert-manager-webhook".to_owned(),
            "webhook.cert-manager.io",
            30.0,
        );
        t.insert(
            WebhookKind::Mutating,
            "MutatingWebhookConfiguration/cert-manager-webhook".to_owned(),
            "webhook.cert-manager.io",
            5.0,
        );
        let (v, n) = t.lookup("validate", "webhook.cert-manager.io").unwrap();
        assert_eq!(
            (v.configuration.as_str(), v.seconds, n),
            (
                "ValidatingWebhookConfiguration/cert-manager-webhook",
                30.0,
                1
            )
        );
        let (m, _) = t.lookup("admit", "webhook.cert-manager.io").unwrap();
        assert_eq!(
            (m.configuration.as_str(), m.seconds),
            ("MutatingWebhookConfiguration/cert-manager-webhook", 5.0)
        );
        assert_eq!(t.lookup("other", "webhook.cert-manager.io"), None);
        assert_eq!(t.lookup("admit", "other"), None);
    }
}
