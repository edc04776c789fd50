//! WH001–WH005 on cluster exports: the webhook-guard policy's rules, run over every admission
//! webhook configuration. The checks and the rules are declared in [`crate::rules::webhook`].

use super::{violation_finding, ClusterContext, Entry, Run};
use crate::k8s::WebhookKind;
use crate::report::Finding;
use crate::rules::webhook::{check_configuration, WH001, WH002, WH003, WH004, WH005};

pub const ENTRY: Entry = Entry {
    checks: &[&WH001, &WH002, &WH003, &WH004, &WH005],
    run: Run::Cluster(check),
};

fn check(cx: &ClusterContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for object in cx.objects {
        if WebhookKind::of_configuration(object.kind()).is_some() {
            let violations =
                check_configuration(&object.as_webhook_configuration(), &cx.config.webhook_settings);
            findings.extend(violations.iter().map(|v| violation_finding(v, object)));
        }
    }
    findings
}
