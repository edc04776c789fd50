//! Making input-derived text inert in the outputs. Metric names, label values, object names and
//! versions come from untrusted dumps: on a terminal an ESC sequence can set the title, clear
//! the screen or print a fake "0 findings" line; in a Markdown ticket a newline, raw HTML or
//! link syntax becomes structure. [`text`] and [`markdown`] escape each interpolated value;
//! the words cpguard writes itself go through unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters no output may carry raw: C0 and C1 controls (ESC, CR, LF, BEL, …), DEL, and the
/// Unicode bidirectional overrides and isolates that reorder what a reader sees.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// A value for terminal text: control characters written as `\n`, `\u{1b}`…, so a value is
/// always one line and sends the terminal nothing but printable characters.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value for Markdown prose or a table cell: inert. Controls are escaped as in [`text`] (so
/// no newline can end a cell or start a block); `\`, `` ` ``, `*`, `[`, `]`, `<`, `>`, `|`,
/// `&`, `~` and a `_` or `#` that could open emphasis or a heading are backslash-escaped
/// (CommonMark §2.4), so no HTML, link, image, code or emphasis can start. An underscore inside
/// a word (`apiserver_request_total`) opens nothing (§6.2) and stays as it is.
pub fn markdown(s: &str) -> Cow<'_, str> {
    let special = |c: char| {
        matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#'
        ) || is_unsafe(c)
    };
    if !s.chars().any(special) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let after = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        match c {
            '_' if word(before) && word(after) => out.push('_'),
            '#' if before.is_some_and(|b| !b.is_whitespace()) => out.push('#'),
            c if is_unsafe(c) => push_escaped(&mut out, c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` as an inline code span: fenced with one more backtick than its longest run (CommonMark
/// §6.1), padded when it starts or ends with a backtick, controls escaped. Inside a code span
/// nothing is interpreted, so no escaping beyond that is needed.
pub fn markdown_code(s: &str) -> String {
    let body = text(s);
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_gets_no_control_characters() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(
            text("x\u{1b}]0;owned\u{7}\u{1b}[2J\rcpguard: 0 findings\n"),
            "x\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\rcpguard: 0 findings\\n"
        );
        assert_eq!(text("a\u{202E}b\u{9b}c"), "a\\u{202e}b\\u{9b}c");
    }

    #[test]
    fn markdown_is_inert() {
        assert_eq!(
            markdown("apiserver_request_total"),
            "apiserver_request_total"
        );
        assert_eq!(
            markdown("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert(1)\\>"
        );
        assert_eq!(
            markdown("a|b\n\n# Heading [link](http://x) *em* _u_ `c` &amp; ~~s~~"),
            "a\\|b\\n\\n\\# Heading \\[link\\](http://x) \\*em\\* \\_u\\_ \\`c\\` \\&amp; \\~\\~s\\~\\~"
        );
        assert_eq!(markdown("C#"), "C#");
        assert_eq!(markdown_code("up{a=\"b\"} = 1"), "`up{a=\"b\"} = 1`");
        assert_eq!(markdown_code("a``b"), "```a``b```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a\nb"), "`a\\nb`");
    }
}
