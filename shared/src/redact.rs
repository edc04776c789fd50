//! Keeping credentials out of diagnostics. A diagnostic says *where* (its line) and *what kind*
//! of problem; when it quotes the text it could not read, the quote goes through [`excerpt`],
//! which withholds anything that may hold a credential, decided by the text's content (not by
//! which input it came from: a Secret pasted into the metrics box is still a Secret). Errors of
//! the YAML and JSON decoders go through [`decoder_error`], which drops every value they quote.

/// Longest excerpt a diagnostic quotes, in characters.
pub const EXCERPT_CHARS: usize = 60;

/// What a withheld excerpt reads as.
pub const WITHHELD: &str = "<withheld: may hold a credential>";

/// Words that name a credential when a value follows them (`password: x`, `TOKEN=x`,
/// `"secret":"x"`): matched in any case, then any name characters, then `:` or `=`.
const KEY_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "credential",
    "authorization",
    "private_key",
    "privatekey",
    "client-key",
    "client_key",
    "bearer",
];

/// Markers that are credentials or Secrets whatever follows them.
const MARKERS: &[&str] = &[
    "-----begin",
    "bearer ",
    "kind: secret",
    "\"kind\":\"secret\"",
    "\"kind\": \"secret\"",
    "stringdata",
    "aws_session",
    "x-amz-security-token",
];

/// AWS access key ID prefixes (IAM unique identifiers: AKIA for long-term keys, ASIA for STS).
const AWS_KEY_PREFIXES: &[&str] = &["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "AIPA"];

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// `password: x`, `AWS_SECRET_ACCESS_KEY=x`, `"token": "x"`.
fn has_keyed_value(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    KEY_WORDS.iter().any(|word| {
        lower.match_indices(word).any(|(at, _)| {
            let mut i = at + word.len();
            while bytes.get(i).copied().is_some_and(is_name_byte) {
                i += 1;
            }
            // An optional closing quote, blanks, then the separator.
            if matches!(bytes.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            matches!(bytes.get(i), Some(b':' | b'='))
        })
    })
}

/// A run of base64 (or hex) characters long and mixed enough to be key material: 24 or more
/// characters with a digit and both cases (base64 of 18+ random bytes), or 32 or more hex
/// digits with a letter and a digit. Underscores end a run, so metric names never qualify.
fn has_blob(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
        .any(|run| {
            let run = run.trim_end_matches('=');
            let (mut digit, mut upper, mut lower, mut hex) = (false, false, false, true);
            for b in run.bytes() {
                digit |= b.is_ascii_digit();
                upper |= b.is_ascii_uppercase();
                lower |= b.is_ascii_lowercase();
                hex &= b.is_ascii_hexdigit();
            }
            (run.len() >= 24 && digit && upper && lower)
                || (run.len() >= 32 && hex && digit && (upper || lower))
        })
}

fn has_aws_key_id(text: &str) -> bool {
    AWS_KEY_PREFIXES.iter().any(|prefix| {
        text.match_indices(prefix).any(|(at, _)| {
            text.get(at + 4..).is_some_and(|rest| {
                rest.bytes()
                    .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    .count()
                    >= 16
            })
        })
    })
}

/// Whether `text` may hold a credential: an AWS key ID, a PEM block, a JWT or another long
/// base64/hex blob, a `password:`/`token=`-style key with a value, or a Secret object.
pub fn looks_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    MARKERS.iter().any(|m| lower.contains(m))
        || has_keyed_value(&lower)
        || has_aws_key_id(text)
        || has_blob(text)
}

/// Up to [`EXCERPT_CHARS`] characters of `text`, quoted and with control characters escaped
/// (Rust's `{:?}`), or [`WITHHELD`] when the text may hold a credential.
pub fn excerpt(text: &str) -> String {
    excerpt_n(text, EXCERPT_CHARS)
}

/// At most `n` characters of `text`, with `…` when it was longer (not quoted, not judged: see
/// [`excerpt_n`] for text that may hold a credential).
pub fn shorten(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// [`excerpt`] of at most `n` characters. The whole text is judged, not only what is shown.
pub fn excerpt_n(text: &str, n: usize) -> String {
    if looks_secret(text) {
        return WITHHELD.to_owned();
    }
    let shown: String = text.chars().take(n).collect();
    format!("{shown:?}")
}

/// A YAML or JSON decoder's error without the values it quotes: serde writes
/// `invalid type: string "hunter2", expected …`, and a value anywhere in a cluster export may be
/// a credential whose content gives no hint (a password is just a word). Quoted literals
/// become `"…"`; the position and the kind of problem stay.
pub fn decoder_error(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                // serde quotes with `"` (strings, escaped as Rust does) and `` ` `` (names).
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if inner == '\\' {
                        escaped = true;
                    } else if inner == c {
                        break;
                    }
                }
                out.push(c);
                out.push('…');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A diagnostic's message with any quoted part that may hold a credential withheld (a last
/// line of defence for every diagnostic, whatever wrote it).
pub fn scrub(message: &str) -> String {
    if !looks_secret(message) {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        let (before, quoted) = rest.split_at(start);
        out.push_str(before);
        // The closing quote: the next `"` not escaped by a backslash.
        let body = quoted.get(1..).unwrap_or_default();
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        let Some(end) = end else {
            out.push_str(WITHHELD);
            return out;
        };
        let inner = body.get(..end).unwrap_or_default();
        if looks_secret(inner) {
            out.push_str(WITHHELD);
        } else {
            out.push('"');
            out.push_str(inner);
            out.push('"');
        }
        rest = body.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    if looks_secret(&out) {
        // Unquoted credential-looking text: keep only the words before the first colon.
        let head = out.split(':').next().unwrap_or_default();
        return if looks_secret(head) {
            WITHHELD.to_owned()
        } else {
            format!("{head}: {WITHHELD}")
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_recognised_by_content() {
        for secret in [
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "key AKIAIOSFODNN7EXAMPLE here",
            "password: hunter2",
            "  db_password = 'x'",
            r#"{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}"#,
            r#""token": "abc""#,
            "Authorization: Bearer abc.def",
            "-----BEGIN RSA PRIVATE KEY-----",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
            "dGhpcyBpcyBhIHZlcnkgc2VjcmV0IHZhbHVlIDEyMw==",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "apiVersion: v1\nkind: Secret",
        ] {
            assert!(looks_secret(secret), "{secret}");
            assert_eq!(excerpt(secret), WITHHELD, "{secret}");
        }
        for plain in [
            "Warning: the server could not find the requested resource",
            "apiserver_request_duration_seconds_bucket{le=\"0.1\"} 3",
            "authentication_token_cache_active_fetch_count 0",
            "serviceaccount_legacy_tokens_total 12",
            "half_written_metric",
            "etcd_mvcc_db_total_size_in_bytes 2.5e9",
            "kube-system/aws-auth data.mapRoles[0]",
        ] {
            assert!(!looks_secret(plain), "{plain}");
        }
    }

    #[test]
    fn excerpts_are_short_and_escape_control_characters() {
        assert_eq!(
            excerpt("up\u{1b}]0;pwned\u{7}"),
            r#""up\u{1b}]0;pwned\u{7}""#
        );
        assert_eq!(excerpt(&"a".repeat(100)), format!("\"{}\"", "a".repeat(60)));
    }

    #[test]
    fn decoder_errors_lose_their_values() {
        assert_eq!(
            decoder_error(
                "metadata: invalid type: string \"hun\\\"ter2\", expected struct ObjectMeta at line 3 column 11"
            ),
            "metadata: invalid type: string \"…\", expected struct ObjectMeta at line 3 column 11"
        );
        assert_eq!(
            decoder_error("unknown variant `AKIAIOSFODNN7EXAMPLE`, expected one of `a`"),
            "unknown variant `…`, expected one of `…`"
        );
    }

    #[test]
    fn scrub_withholds_only_what_looks_secret() {
        assert_eq!(
            scrub("not a sample or comment: \"password: hunter2\""),
            format!("not a sample or comment: {WITHHELD}")
        );
        assert_eq!(
            scrub("x: \"12e\" is not a number"),
            "x: \"12e\" is not a number"
        );
        assert_eq!(
            scrub("unexpected text AKIAIOSFODNN7EXAMPLE after"),
            WITHHELD
        );
        assert_eq!(
            scrub("x: unexpected text AKIAIOSFODNN7EXAMPLE"),
            format!("x: {WITHHELD}")
        );
    }
}
