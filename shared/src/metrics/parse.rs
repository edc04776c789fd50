//! The Prometheus text exposition format 0.0.4, tolerant of OpenMetrics 1.0.
//!
//! Reads `# HELP`/`# TYPE`/`# UNIT`/`# EOF`, escapes in label values and HELP, names with
//! colons, the quoted UTF-8 name form (`{"my.metric",a="b"}`), `NaN`/`±Inf` in any case,
//! optional integer-millisecond or float-second timestamps, exemplars after ` # `, tabs, CRLF
//! and a missing final newline. It never fails as a whole: a line it cannot read becomes a
//! [`Diagnostic`] with its line number and the rest is read. Names and label values borrow from
//! the input unless they contain escapes.

use super::{Diagnostic, DiagnosticLevel, Family, MetricType, Overflow, Sample};
use crate::redact::{excerpt, excerpt_n, scrub};
use std::borrow::Cow;
use std::collections::HashMap;

/// A parsed dump: families in input order, plus what could not be read.
#[derive(Clone, Debug, Default)]
pub struct Exposition<'a> {
    pub families: Vec<Family<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    index: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Exposition<'a> {
    /// The family with this name, if the dump has it.
    pub fn family(&self, name: &str) -> Option<&Family<'a>> {
        self.index.get(name).and_then(|&i| self.families.get(i))
    }

    /// Number of samples over all families.
    pub fn sample_count(&self) -> usize {
        self.families.iter().map(|f| f.samples.len()).sum()
    }
}

/// Parses a whole dump.
pub fn parse(input: &str) -> Exposition<'_> {
    let mut parser = Parser {
        out: Exposition::default(),
        last: None,
        overflow: Overflow::default(),
    };
    let mut eof_at: Option<u32> = None;
    for (i, raw) in input.split('\n').enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw
            .strip_suffix('\r')
            .unwrap_or(raw)
            .trim_start_matches([' ', '\t']);
        if line.is_empty() {
            continue;
        }
        if let Some(at) = eof_at {
            parser.diag(
                line_no,
                DiagnosticLevel::Warning,
                format!("content after `# EOF` (line {at}) ignored"),
            );
            break;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if comment.trim() == "EOF" {
                eof_at = Some(line_no);
            } else {
                parser.comment(comment, line_no);
            }
        } else if let Err(message) = parser.sample(line, line_no) {
            parser.diag(line_no, DiagnosticLevel::Error, message);
        }
    }
    parser.overflow.finish(&mut parser.out.diagnostics);
    adopt_untyped_histograms(&mut parser.out);
    parser.out
}

/// Series without a `# TYPE` line are untyped, yet PromQL's `histogram_quantile` reads any
/// `*_bucket` series by its `le` label (`promql/functions.go` groups by every label but `le`;
/// types play no part). So an untyped `base_bucket` family whose samples carry `le` is joined
/// with the untyped `base_sum` and `base_count` under `base`, where every reader looks for a
/// histogram, as `# TYPE base histogram` would have placed them. Linear in the samples.
fn adopt_untyped_histograms(out: &mut Exposition<'_>) {
    let bases: Vec<String> = out
        .families
        .iter()
        .filter(|f| f.kind == MetricType::Untyped)
        .filter(|f| f.samples.first().is_some_and(|s| s.label("le").is_some()))
        .filter_map(|f| f.name.strip_suffix("_bucket").map(str::to_owned))
        .filter(|base| !base.is_empty())
        .collect();
    for base in bases {
        let target = match out.index.get(base.as_str()) {
            Some(&i)
                if out
                    .families
                    .get(i)
                    .is_some_and(|f| f.kind == MetricType::Untyped) =>
            {
                i
            }
            Some(_) => continue, // Typed as something else: left as written.
            None => {
                let i = out.families.len();
                out.families.push(Family {
                    name: Cow::Owned(base.clone()),
                    kind: MetricType::Untyped,
                    help: None,
                    unit: None,
                    samples: Vec::new(),
                });
                out.index.insert(Cow::Owned(base.clone()), i);
                i
            }
        };
        let mut moved = Vec::new();
        for suffix in ["_bucket", "_sum", "_count"] {
            let name = format!("{base}{suffix}");
            let Some(&i) = out.index.get(name.as_str()) else {
                continue;
            };
            if let Some(f) = out
                .families
                .get_mut(i)
                .filter(|f| f.kind == MetricType::Untyped)
            {
                moved.append(&mut f.samples);
                out.index.remove(name.as_str());
            }
        }
        if let Some(f) = out.families.get_mut(target) {
            f.samples.append(&mut moved);
            f.samples.sort_by_key(|s| s.line);
        }
    }
}

struct Parser<'a> {
    out: Exposition<'a>,
    /// The family the previous sample went to: consecutive samples nearly always share it.
    last: Option<usize>,
    overflow: Overflow,
}

/// The suffixes a sample name may carry over its family's name, by family type.
fn suffix_fits(kind: MetricType, suffix: &str) -> bool {
    match kind {
        MetricType::Histogram => matches!(suffix, "_bucket" | "_sum" | "_count" | "_created"),
        MetricType::GaugeHistogram => matches!(suffix, "_bucket" | "_gsum" | "_gcount"),
        MetricType::Summary => matches!(suffix, "_sum" | "_count" | "_created"),
        MetricType::Counter => matches!(suffix, "_total" | "_created"),
        MetricType::Info => suffix == "_info",
        _ => false,
    }
}

const SUFFIXES: &[&str] = &[
    "_bucket", "_count", "_sum", "_total", "_created", "_gsum", "_gcount", "_info",
];

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

/// Reads a metric or label name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) at the start of `s`.
fn ident(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    if !bytes.first().copied().is_some_and(is_name_start) {
        return None;
    }
    let end = bytes
        .iter()
        .position(|&b| !is_name_char(b))
        .unwrap_or(bytes.len());
    Some((s.get(..end)?, s.get(end..)?))
}

/// Reads a double-quoted string with `\\`, `\"` and `\n` escapes at the start of `s`.
fn quoted(s: &str) -> Result<(Cow<'_, str>, &str), String> {
    let body = s.strip_prefix('"').ok_or("expected '\"'")?;
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut owned: Option<String> = None;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let value = match owned {
                    Some(s) => Cow::Owned(s),
                    None => Cow::Borrowed(body.get(..i).unwrap_or_default()),
                };
                return Ok((value, body.get(i + 1..).unwrap_or_default()));
            }
            b'\\' => {
                let buf = owned.get_or_insert_with(|| body.get(..i).unwrap_or_default().to_owned());
                match bytes.get(i + 1) {
                    Some(b'n') => buf.push('\n'),
                    Some(b'\\') => buf.push('\\'),
                    Some(b'"') => buf.push('"'),
                    Some(_) => {
                        // Prometheus keeps an unknown escape as written.
                        buf.push('\\');
                        i += 1;
                        continue;
                    }
                    None => return Err("unterminated escape at the end of the line".to_owned()),
                }
                i += 2;
            }
            _ => {
                let ch_len = body
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(1, char::len_utf8);
                if let Some(buf) = owned.as_mut() {
                    buf.push_str(body.get(i..i + ch_len).unwrap_or_default());
                }
                i += ch_len;
            }
        }
    }
    Err("unterminated quoted string (truncated line?)".to_owned())
}

/// Unescapes HELP text (`\\` and `\n`).
fn unescape_help(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') | None => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Go's `strconv.ParseFloat` as the exposition format uses it: decimal floats and
/// `NaN`/`Inf`/`+Inf`/`-Inf` in any case.
pub fn parse_value(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

fn split_token(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches([' ', '\t']);
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    (
        s.get(..end).unwrap_or_default(),
        s.get(end..).unwrap_or_default(),
    )
}

impl<'a> Parser<'a> {
    #[allow(clippy::needless_pass_by_value)] // Callers build the message for this call.
    fn diag(&mut self, line: u32, level: DiagnosticLevel, message: String) {
        // Metric names in a message are no excerpts: `scrub` withholds what may be a credential.
        self.overflow
            .push(&mut self.out.diagnostics, line, level, || scrub(&message));
    }

    /// The family declared (or implied) by `name`, created when new.
    fn declared(&mut self, name: Cow<'a, str>) -> usize {
        if let Some(&i) = self.out.index.get(&name) {
            return i;
        }
        let i = self.out.families.len();
        self.out.families.push(Family {
            name: name.clone(),
            kind: MetricType::Untyped,
            help: None,
            unit: None,
            samples: Vec::new(),
        });
        self.out.index.insert(name, i);
        i
    }

    fn comment(&mut self, comment: &'a str, line: u32) {
        let comment = comment.trim_start_matches([' ', '\t']);
        let (keyword, rest) = split_token(comment);
        if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
            return; // An ordinary comment.
        }
        let rest = rest.trim_start_matches([' ', '\t']);
        let parsed = if rest.starts_with('"') {
            quoted(rest)
        } else {
            ident(rest)
                .map(|(name, tail)| (Cow::Borrowed(name), tail))
                .ok_or_else(|| format!("# {keyword} without a metric name"))
        };
        let (name, tail) = match parsed {
            Ok(x) => x,
            Err(message) => {
                self.diag(line, DiagnosticLevel::Error, message);
                return;
            }
        };
        let tail = tail.strip_prefix([' ', '\t']).unwrap_or(tail);
        let family = self.declared(name.clone());
        let mut warnings = Vec::new();
        let kind = (keyword == "TYPE").then(|| match tail.trim().to_ascii_lowercase().as_str() {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "summary" => MetricType::Summary,
            "untyped" | "unknown" => MetricType::Untyped,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            other => {
                warnings.push(format!(
                    "unknown metric type {} for {name}; read as untyped",
                    excerpt(other)
                ));
                MetricType::Untyped
            }
        });
        if let Some(entry) = self.out.families.get_mut(family) {
            match (keyword, kind) {
                ("HELP", _) => entry.help = Some(unescape_help(tail)),
                ("UNIT", _) => entry.unit = Some(Cow::Borrowed(tail.trim())),
                (_, Some(kind)) => {
                    if !entry.samples.is_empty() {
                        warnings.push(format!("# TYPE for {name} comes after its samples"));
                    }
                    entry.kind = kind;
                }
                _ => {}
            }
        }
        for warning in warnings {
            self.diag(line, DiagnosticLevel::Warning, warning);
        }
    }

    /// Finds the family a sample belongs to.
    #[allow(clippy::ptr_arg)] // The Cow is stored as it is when the family is new.
    fn family_of(&mut self, name: &Cow<'a, str>) -> usize {
        let fits = |family: &Family<'_>| {
            family.name == *name
                || name
                    .strip_prefix(family.name.as_ref())
                    .is_some_and(|suffix| suffix_fits(family.kind, suffix))
        };
        if let Some(i) = self.last {
            if self.out.families.get(i).is_some_and(fits) {
                return i;
            }
        }
        if let Some(&i) = self.out.index.get(name) {
            return i;
        }
        for suffix in SUFFIXES {
            if let Some(base) = name.strip_suffix(suffix) {
                if let Some(&i) = self.out.index.get(base) {
                    if self
                        .out
                        .families
                        .get(i)
                        .is_some_and(|f| suffix_fits(f.kind, suffix))
                    {
                        return i;
                    }
                }
            }
        }
        self.declared(name.clone())
    }

    fn sample(&mut self, line: &'a str, line_no: u32) -> Result<(), String> {
        let (mut name, mut rest): (Option<Cow<'a, str>>, &'a str) = match ident(line) {
            Some((name, rest)) => (Some(Cow::Borrowed(name)), rest),
            None if line.starts_with('{') => (None, line),
            None => {
                return Err(format!("not a sample or comment: {}", excerpt(line)));
            }
        };
        let mut labels = "";
        if let Some(body) = rest.strip_prefix('{') {
            let (raw, after) = read_labels(body, &mut name)?;
            labels = raw;
            rest = after;
        }
        let name = name.ok_or("a sample without a metric name")?;
        let (value_text, tail) = split_token(rest);
        if value_text.is_empty() {
            return Err(format!("{name}: no value (truncated line?)"));
        }
        let Some(value) = parse_value(value_text) else {
            // Prose (a pasted `Warning: ...` from kubectl) rather than a sample with a bad value.
            if tail.split_whitespace().count() > 1 {
                return Err(format!("not a sample or comment: {}", excerpt(line)));
            }
            return Err(format!("{name}: {} is not a number", excerpt(value_text)));
        };
        let (ts_text, tail) = split_token(tail);
        let timestamp =
            if ts_text.is_empty() || ts_text == "#" {
                None
            } else {
                Some(parse_value(ts_text).ok_or_else(|| {
                    format!("{name}: timestamp {} is not a number", excerpt(ts_text))
                })?)
            };
        let tail = tail.trim_start_matches([' ', '\t']);
        if !(tail.is_empty() || tail.starts_with('#') || ts_text == "#") {
            return Err(format!(
                "{name}: unexpected text after the value: {}",
                excerpt(tail)
            ));
        }
        let family = self.family_of(&name);
        self.last = Some(family);
        if let Some(f) = self.out.families.get_mut(family) {
            f.samples.push(Sample {
                name,
                raw_labels: labels,
                value,
                timestamp,
                line: line_no,
            });
        }
        Ok(())
    }
}

/// Reads one `name="value"` pair (or, first in the block, a quoted metric name) and the
/// separator after it. `Ok(None)` at the closing `}`.
type Pair<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

fn next_pair(s: &str) -> Result<Option<(Pair<'_>, &str)>, String> {
    let s = s.trim_start_matches([' ', '\t']);
    if s.starts_with('}') || s.is_empty() {
        return if s.is_empty() {
            Err("unterminated label set (truncated line?)".to_owned())
        } else {
            Ok(None)
        };
    }
    let (key, rest) = if s.starts_with('"') {
        quoted(s)?
    } else {
        let (key, rest) =
            ident(s).ok_or_else(|| format!("bad label name at {}", excerpt_n(s, 20)))?;
        (Cow::Borrowed(key), rest)
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let (value, rest) = match rest.strip_prefix('=') {
        Some(after_eq) => {
            let (value, rest) = quoted(after_eq.trim_start_matches([' ', '\t']))?;
            (Some(value), rest)
        }
        None => (None, rest),
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = match rest.strip_prefix(',') {
        Some(rest) => rest,
        None if rest.starts_with('}') => rest,
        None if rest.is_empty() => {
            return Err("unterminated label set (truncated line?)".to_owned())
        }
        None => return Err(format!("expected ',' or '}}' at {}", excerpt_n(rest, 20))),
    };
    Ok(Some(((key, value), rest)))
}

/// Checks a label block `name="value",...}` and returns it (without the quoted metric name,
/// which goes to `name`, and without the `}`) and what follows it. The block is kept as text
/// and read again on demand ([`LabelPairs`]): it is smaller than any decoded form.
fn read_labels<'a>(
    body: &'a str,
    name: &mut Option<Cow<'a, str>>,
) -> Result<(&'a str, &'a str), String> {
    let mut s = body;
    let mut start = body;
    let mut first = true;
    while let Some(((key, value), rest)) = next_pair(s)? {
        if value.is_none() {
            if first && name.is_none() {
                *name = Some(key);
                start = rest;
            } else {
                return Err(format!("label {key:?} has no value"));
            }
        }
        first = false;
        s = rest;
    }
    let close = s.trim_start_matches([' ', '\t']);
    let raw_len = start.len() - close.len();
    let raw = start.get(..raw_len).unwrap_or_default();
    Ok((raw, close.get(1..).unwrap_or_default()))
}

/// The labels of a sample, read from its kept label block.
#[derive(Clone, Debug)]
pub struct LabelPairs<'a> {
    rest: &'a str,
}

impl<'a> LabelPairs<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        // The raw block lacks its `}`: `next_pair` treats the end as the close.
        LabelPairs { rest: raw }
    }
}

impl<'a> Iterator for LabelPairs<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.trim_start_matches([' ', '\t']).is_empty() {
            return None;
        }
        // The block was validated when it was parsed, so errors cannot occur here.
        let padded = self.rest;
        match next_pair_open(padded) {
            Some(((key, Some(value)), rest)) => {
                self.rest = rest;
                Some((key, value))
            }
            _ => None,
        }
    }
}

/// [`next_pair`] on a block without its closing brace.
fn next_pair_open(s: &str) -> Option<(Pair<'_>, &str)> {
    let s = s.trim_start_matches([' ', '\t']);
    let (key, rest) = if s.starts_with('"') {
        quoted(s).ok()?
    } else {
        ident(s).map(|(k, r)| (Cow::Borrowed(k), r))?
    };
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('=')?;
    let (value, rest) = quoted(rest.trim_start_matches([' ', '\t'])).ok()?;
    let rest = rest.trim_start_matches([' ', '\t']);
    Some(((key, Some(value)), rest.strip_prefix(',').unwrap_or(rest)))
}
