//! What a parser says about a line it could not read (or read with a caveat), and the cap on
//! how many it lists. Shared by the metrics and the cluster parsers.

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Warning,
    Error,
}

/// A line the parser could not read (or read with a caveat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: u32,
    pub level: DiagnosticLevel,
    pub message: String,
}

/// Most diagnostics one input lists; the rest are counted in one closing "and N more" line,
/// so a file of 20 million bad lines costs one summary, not 20 million messages.
pub const MAX_DIAGNOSTICS: usize = 1000;

/// The diagnostics past [`MAX_DIAGNOSTICS`]: counted, never built.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overflow {
    count: usize,
    first_line: u32,
    level: Option<DiagnosticLevel>,
}

impl Overflow {
    /// Adds a diagnostic to `list`, or counts it once the list is full (`message` is then
    /// never called).
    pub(crate) fn push(
        &mut self,
        list: &mut Vec<Diagnostic>,
        line: u32,
        level: DiagnosticLevel,
        message: impl FnOnce() -> String,
    ) {
        if list.len() < MAX_DIAGNOSTICS {
            list.push(Diagnostic {
                line,
                level,
                message: message(),
            });
            return;
        }
        if self.count == 0 {
            self.first_line = line;
        }
        self.count += 1;
        self.level = self.level.max(Some(level));
    }

    /// Closes `list` with the summary of what was not listed, if anything.
    pub(crate) fn finish(&mut self, list: &mut Vec<Diagnostic>) {
        if let (n @ 1.., Some(level)) = (self.count, self.level) {
            list.push(Diagnostic {
                line: self.first_line,
                level,
                message: format!(
                    "and {n} more {} from this line on, not listed (only the first {MAX_DIAGNOSTICS} are)",
                    if n == 1 { "diagnostic" } else { "diagnostics" }
                ),
            });
        }
        *self = Overflow::default();
    }
}
