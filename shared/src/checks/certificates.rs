//! CERT001: client certificates about to expire.

use super::{Check, Entry, MetricsContext, Need, Run, Severity, GUIDE};
use crate::format;
use crate::metrics::query::histogram_by;
use crate::report::{Evidence, Finding};

pub const ENTRY: Entry = Entry {
    checks: &[&CERT001],
    run: Run::Metrics(cert001),
};

const METRIC: &str = "apiserver_client_certificate_expiration_seconds";

/// ## What it does
/// `apiserver_client_certificate_expiration_seconds`, the histogram of the remaining life of
/// the client certificates requests authenticate with, as kubernetes-mixin's
/// `KubeClientCertificateExpiration`: its 1st percentile under 7 d is a warning
/// (`certExpiryWarnSeconds`), under 1 d critical (`certExpiryCriticalSeconds`). The bucket at
/// or above the threshold gives an upper bound for the share of requests affected.
///
/// ## Why is this bad?
/// When the certificate expires, the client (a kubelet, a controller, a user's kubeconfig)
/// can no longer authenticate: nodes go NotReady, automation stops.
pub const CERT001: Check = Check {
    id: "CERT001",
    severity: Severity::Critical,
    title: "client certificates about to expire",
    rationale: "Some clients authenticate with X.509 certificates that expire within days; after that they \
                cannot reach the API server at all (a kubelet's node goes NotReady, a controller stops).",
    remediation: "Find the clients (the API server's audit log, or the certificates in kubeconfigs and node \
                  credentials) and renew them; turn on kubelet client certificate rotation, and prefer \
                  short-lived tokens (IAM via aws-iam-authenticator or access entries on EKS) over certificates.",
    reference: GUIDE,
    needs: &[Need::Family(&[METRIC])],
};

pub fn cert001(cx: &MetricsContext<'_, '_>) -> Vec<Finding> {
    let Some(family) = cx.dump.family(METRIC) else {
        return Vec::new();
    };
    let Some(all) = histogram_by(family, &[]).into_iter().next() else {
        return Vec::new();
    };
    let total = all.count();
    let Some(p1) = all.quantile(0.01).filter(|_| total > 0.0) else {
        return Vec::new();
    };
    let (severity, threshold) = if p1 < cx.config.cert_expiry_critical_seconds {
        (Severity::Critical, cx.config.cert_expiry_critical_seconds)
    } else if p1 < cx.config.cert_expiry_warn_seconds {
        (Severity::Warning, cx.config.cert_expiry_warn_seconds)
    } else {
        return Vec::new();
    };
    // The smallest bucket bound at or above the threshold counts every request under it, and
    // perhaps some above: an upper bound.
    let (bound, affected) = all
        .buckets
        .iter()
        .filter(|b| b.upper_bound >= threshold)
        .map(|b| b.upper_bound)
        .fold(None, |best: Option<f64>, b| {
            Some(best.map_or(b, |x| x.min(b)))
        })
        .map_or((f64::INFINITY, total), |bound| {
            let count = all
                .buckets
                .iter()
                .filter(|b| b.upper_bound == bound)
                .map(|b| b.count)
                .sum();
            (bound, count)
        });
    let message = format!(
        "1 % of the {} requests with a client certificate {} presented one expiring within {} (histogram_quantile(0.01); threshold {}): at most {} of them ({}) had one expiring within {}",
        format::count(total),
        cx.window,
        format::duration(p1),
        format::duration(threshold),
        format::count(affected),
        format::percent(affected / total),
        format::duration(bound)
    );
    let le = format::value(bound);
    vec![Finding::with_severity(
        &CERT001,
        severity,
        message,
        vec![Evidence::metric(
            &format!("{METRIC}_bucket"),
            &[("le", &le)],
            affected,
        )],
    )]
}

#[cfg(test)]
mod tests {
    use crate::checks::tests::run;

    /// The API server's buckets (seconds): 0, 30 min, 1 h, 2 h, 6 h, 12 h, 1 d, 2 d, 4 d, 7 d,
    /// 30 d, 90 d, 180 d, 360 d.
    fn dump(counts: [u32; 14], total: u32) -> String {
        let bounds = [
            "0", "1800", "3600", "7200", "21600", "43200", "86400", "172800", "345600", "604800",
            "2.592e+06", "7.776e+06", "1.5552e+07", "3.1104e+07",
        ];
        let mut out = String::from("# TYPE apiserver_client_certificate_expiration_seconds histogram\n");
        for (le, n) in bounds.iter().zip(counts) {
            out.push_str(&format!(
                "apiserver_client_certificate_expiration_seconds_bucket{{le=\"{le}\"}} {n}\n"
            ));
        }
        out.push_str(&format!("apiserver_client_certificate_expiration_seconds_bucket{{le=\"+Inf\"}} {total}\napiserver_client_certificate_expiration_seconds_count {total}\n"));
        out
    }

    #[test]
    fn the_first_percentile_against_seven_days_and_one() {
        // 1000 requests, 20 with a certificate expiring within 4 d (bucket le=345600), none
        // sooner. The 1st percentile is rank 10 of 1000: in the (2 d, 4 d] bucket, which holds
        // ranks 1–20, so 172800 + (345600 − 172800) × 10/20 = 259200 s = 3 d: under 7 d, a
        // warning. Up to 7 d (le=604800) 20 requests: at most 2 %.
        let found = run(
            "cert001",
            &dump([0, 0, 0, 0, 0, 0, 0, 0, 20, 20, 500, 1000, 1000, 1000], 1000),
        );
        assert_eq!(found, vec!["warning CERT001: 1 % of the 1,000 requests with a client certificate since apiserver start presented one expiring within 3 d 0 h (histogram_quantile(0.01); threshold 7 d 0 h): at most 20 of them (2.00 %) had one expiring within 7 d 0 h"]);
        // 50 of 1000 within 30 min: rank 10 in (0, 1800] holding 50: 1800 × 10/50 = 360 s,
        // under 1 d: critical; up to 1 d (le=86400) 50 requests, 5 %.
        let found = run(
            "cert001",
            &dump([0, 50, 50, 50, 50, 50, 50, 50, 50, 50, 500, 1000, 1000, 1000], 1000),
        );
        assert_eq!(found, vec!["critical CERT001: 1 % of the 1,000 requests with a client certificate since apiserver start presented one expiring within 6 min (histogram_quantile(0.01); threshold 1 d 0 h): at most 50 of them (5.00 %) had one expiring within 1 d 0 h"]);
    }

    #[test]
    fn long_lived_certificates_or_none_at_all() {
        // Every certificate has more than 30 d left (as in the corpus: everything in +Inf).
        assert!(run("cert001", &dump([0; 14], 1113)).is_empty());
        // 5 of 1000 within 1 d: fewer than 1 %, the 1st percentile lies beyond 7 d.
        assert!(run(
            "cert001",
            &dump([0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 500, 1000, 1000, 1000], 1000)
        )
        .is_empty());
        assert!(run("cert001", &dump([0; 14], 0)).is_empty());
    }
}
