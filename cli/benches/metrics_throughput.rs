//! Parse-only and full-analysis throughput, side by side with the `prometheus-parse` crate in
//! one run, with peak heap use, on (a) the largest real apiserver dump of the corpus and (b) a
//! ~50 MB dump generated from it by repeating it with renamed families. Run: `make bench-metrics`.
//!
//! Peak heap is measured by a counting global allocator: the most bytes live at once during the
//! operation, beyond what was live before it (the input text itself is not counted).
#![allow(
    clippy::cast_precision_loss,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::measure;

/// A large dump made from a real one: `copies` repetitions, each with every family renamed
/// (`r<i>_` prefix), so the families stay distinct as in a big cluster with many exporters.
fn generate(base: &str, copies: usize) -> String {
    let mut out = String::with_capacity(base.len() * copies + copies * 64 * 1024);
    for i in 0..copies {
        let prefix = format!("r{i}_");
        for line in base.lines() {
            if let Some(rest) = line
                .strip_prefix("# HELP ")
                .or_else(|| line.strip_prefix("# TYPE "))
            {
                out.push_str(&line[..7]);
                out.push_str(&prefix);
                out.push_str(rest);
            } else if line.is_empty() || line.starts_with('#') {
                out.push_str(line);
            } else {
                out.push_str(&prefix);
                out.push_str(line);
            }
            out.push('\n');
        }
    }
    out
}

fn prometheus_parse(text: &str) -> prometheus_parse::Scrape {
    // Its API takes owned lines; this is how a caller must feed it.
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .expect("prometheus-parse failed")
}

fn row(what: &str, bytes: usize, (seconds, peak): (f64, usize)) {
    let mb = bytes as f64 / 1e6;
    println!(
        "  {what:<34} {:>9.2} ms {:>9.1} MB/s   peak heap {:>7.1} MB ({:.2}× input)",
        seconds * 1e3,
        mb / seconds,
        peak as f64 / 1e6,
        peak as f64 / bytes as f64
    );
}

fn main() {
    let corpus = std::env::var("CPGUARD_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus").to_owned());
    let path = format!("{corpus}/metrics/nri-kubernetes_1_34_apiserver.metrics");
    let Ok(real) = std::fs::read_to_string(&path) else {
        println!("skipped: {path} not found (set CPGUARD_CORPUS)");
        return;
    };
    let copies = (50_000_000 / real.len()).max(1);
    let big = generate(&real, copies);
    let config = cpguard_core::Config::default();
    for (name, text, runs) in [
        ("real dump (1.34 apiserver)", &real, 21),
        ("generated dump", &big, 5),
    ] {
        println!(
            "{name}: {:.1} MB, {} lines",
            text.len() as f64 / 1e6,
            text.lines().count()
        );
        let ours = measure(runs, || cpguard_core::metrics::parse(text));
        let theirs = measure(runs, || prometheus_parse(text));
        let full = measure(runs, || {
            let inputs = cpguard_core::Inputs {
                metrics: Some(cpguard_core::MetricsInput {
                    text,
                    taken_at: None,
                }),
                metrics_later: None,
                cluster: &[],
                now: None,
            };
            cpguard_core::analyze(&inputs, &config)
        });
        row("cpguard parse", text.len(), ours);
        row("prometheus-parse 0.2.5 parse", text.len(), theirs);
        row("cpguard analyze (parse + checks)", text.len(), full);
        println!(
            "  parse speed-up over prometheus-parse: {:.1}×",
            theirs.0 / ours.0
        );
        let samples = cpguard_core::metrics::parse(text).sample_count();
        let theirs_samples = prometheus_parse(text).samples.len();
        println!("  samples read: cpguard {samples} (one per line), prometheus-parse {theirs_samples} (it folds each histogram and summary into one sample)");
    }
}
