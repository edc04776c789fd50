//! `--format junit`: the report as JUnit XML, for CI systems that show test results.
//!
//! One `<testsuite>` per check of the registry (in catalogue order), then one for any other
//! check ID a finding carries. Inside, one `<testcase>` per subject the check found something
//! about (the object `Kind/namespace/name` or the metric series): a `<failure>` when a finding
//! is at or above `--fail-on`, else a passing case whose findings are in `<system-out>`. A check
//! that ran and found nothing is one passing case; a check that could not run (see the report's
//! coverage) is one `<skipped>` case with the reason.

use cpguard_core::checks::REGISTRY;
use cpguard_core::report::{CoverageStatus, Evidence, Finding};
use cpguard_core::{Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One test case: its name, and what went in it.
struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
    skipped: Option<String>,
}

/// Renders the report; findings at or above `fail_at` fail (`None`: nothing fails).
pub fn render(report: &Report, fail_at: Option<Severity>) -> String {
    let mut by_check: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_check.entry(&f.check).or_default().push(f);
    }
    let mut suites: Vec<(String, Vec<Case<'_>>)> = Vec::new();
    for check in REGISTRY {
        let findings = by_check.remove(check.id).unwrap_or_default();
        let coverage = report.coverage.iter().find(|c| c.check == check.id);
        let cases = match coverage {
            Some(c) if findings.is_empty() && c.status != CoverageStatus::Evaluated => {
                vec![Case {
                    name: check.id.to_owned(),
                    findings: Vec::new(),
                    skipped: Some(format!(
                        "{}: {}",
                        c.status.as_str(),
                        c.reason.as_deref().unwrap_or("not evaluated")
                    )),
                }]
            }
            _ => cases(check.id, findings),
        };
        suites.push((format!("{} {}", check.id, check.title), cases));
    }
    // Findings of IDs the registry does not hold (none today) still show.
    for (id, findings) in by_check {
        suites.push((id.to_owned(), cases(id, findings)));
    }

    let failed =
        |case: &Case<'_>| fail_at.is_some_and(|at| case.findings.iter().any(|f| f.severity >= at));
    let all: Vec<&Case<'_>> = suites.iter().flat_map(|(_, c)| c).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cpguard\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        all.len(),
        all.iter().filter(|c| failed(c)).count(),
        all.iter().filter(|c| c.skipped.is_some()).count(),
    );
    for (name, cases) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            escape(name),
            cases.len(),
            cases.iter().filter(|c| failed(c)).count(),
            cases.iter().filter(|c| c.skipped.is_some()).count(),
        );
        let id = name.split(' ').next().unwrap_or(name);
        for case in cases {
            case_xml(&mut out, id, case, failed(case));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A check's findings grouped by subject, in report order; no findings is one passing case.
fn cases<'a>(id: &str, findings: Vec<&'a Finding>) -> Vec<Case<'a>> {
    if findings.is_empty() {
        return vec![Case {
            name: id.to_owned(),
            findings,
            skipped: None,
        }];
    }
    let mut cases: Vec<Case<'a>> = Vec::new();
    for f in findings {
        let subject = f
            .evidence
            .first()
            .map_or_else(|| id.to_owned(), Evidence::subject);
        match cases.iter_mut().find(|c| c.name == subject) {
            Some(case) => case.findings.push(f),
            None => cases.push(Case {
                name: subject,
                findings: vec![f],
                skipped: None,
            }),
        }
    }
    cases
}

fn case_xml(out: &mut String, id: &str, case: &Case<'_>, failed: bool) {
    let _ = write!(
        out,
        "    <testcase classname=\"cpguard.{}\" name=\"{}\" time=\"0\"",
        escape(id),
        escape(&case.name)
    );
    if let Some(reason) = &case.skipped {
        let _ = writeln!(
            out,
            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
            escape(reason)
        );
        return;
    }
    if case.findings.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    let body: Vec<String> = case.findings.iter().map(|f| describe(f)).collect();
    let body = escape_text(&body.join("\n\n"));
    let worst = case
        .findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info);
    if failed {
        let first = case.findings.first().map_or("", |f| f.message.as_str());
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{body}</failure>",
            escape(first),
            worst.as_str()
        );
    } else {
        let _ = writeln!(out, "      <system-out>{body}</system-out>");
    }
    out.push_str("    </testcase>\n");
}

/// One finding as plain text: severity, message, evidence, fix, reference.
fn describe(f: &Finding) -> String {
    let mut text = format!("[{}] {}: {}", f.severity.as_str(), f.check, f.message);
    if let Some(source) = &f.source {
        let _ = write!(text, "\nsource: {source}");
    }
    for e in &f.evidence {
        let _ = write!(text, "\nevidence: {}", e.line());
    }
    let _ = write!(text, "\nfix: {}\nreference: {}", f.remediation, f.reference);
    text
}

/// Escapes text for an XML 1.0 attribute value. Characters XML 1.0 cannot carry at all (C0
/// controls other than tab, newline and carriage return; U+FFFE, U+FFFF) become U+FFFD, so a
/// hostile object name cannot make the file unreadable.
pub fn escape(text: &str) -> String {
    xml(text, true)
}

/// Escapes text for XML 1.0 element content: as [`escape`], but tabs and newlines stay as they
/// are (only attribute values need them as references).
pub fn escape_text(text: &str) -> String {
    xml(text, false)
}

fn xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references so that attribute values keep them (parsers normalise raw ones).
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_text};

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(escape("x\u{1b}[31my\u{0}"), "x\u{FFFD}[31my\u{FFFD}");
        assert_eq!(escape("l1\nl2\tt\r"), "l1&#10;l2&#9;t&#13;");
        assert_eq!(escape("\u{FFFF}ok"), "\u{FFFD}ok");
        assert_eq!(escape_text("l1\nl2\tt\r<"), "l1\nl2\tt&#13;&lt;");
    }
}
