//! Numbers in the report's JSON. JSON has no NaN or infinities (serde_json writes them as
//! `null`, which a reader cannot tell from "absent"), so the report writes a non-finite value as
//! the string Prometheus writes for it: `"+Inf"`, `"-Inf"` or `"NaN"`. Prometheus' own HTTP API
//! does the same (every sample value is a JSON string there, formatted by Go's
//! `strconv.FormatFloat`, which yields exactly these three spellings), so a script that reads
//! Prometheus' JSON reads ours. Finite values stay JSON numbers.
//!
//! Reading accepts a number, one of those strings (any case, `Inf` without a sign too, as
//! Prometheus' parser does), and `null` as NaN (reports written before this rule).
//! Use with `#[serde(with = "crate::number")]` on `f64` fields and
//! `#[serde(default, with = "crate::number::option")]` on `Option<f64>` fields.

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// The spelling of a non-finite value (`+Inf`, `-Inf`, `NaN`), `None` for a finite one.
pub fn special(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("+Inf")
    } else if v == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// Reads a non-finite value's spelling back.
fn from_special(s: &str) -> Option<f64> {
    match s.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "+inf" | "inf" | "+infinity" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// The JSON Schema of such a number: a JSON number, or one of the three spellings.
pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "oneOf": [
            { "type": "number" },
            { "type": "string", "enum": ["+Inf", "-Inf", "NaN"] }
        ]
    })
}

/// [`schema`], or `null` for an absent value.
pub fn option_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "oneOf": [
            { "type": "number" },
            { "type": "string", "enum": ["+Inf", "-Inf", "NaN"] },
            { "type": "null" }
        ]
    })
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes fields by reference.
pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    match special(*v) {
        Some(text) => s.serialize_str(text),
        None => s.serialize_f64(*v),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(NumberVisitor)
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or \"+Inf\", \"-Inf\" or \"NaN\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        from_special(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }

    fn visit_none<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }
}

/// The same rule for `Option<f64>`: `None` is `null`.
pub mod option {
    use super::{de, fmt, Deserializer, NumberVisitor, Serializer, Visitor};

    #[allow(clippy::ref_option)] // serde's `with` passes fields by reference.
    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("null, a number, or \"+Inf\", \"-Inf\" or \"NaN\"")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            NumberVisitor.visit_f64(v).map(Some)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            NumberVisitor.visit_i64(v).map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            NumberVisitor.visit_u64(v).map(Some)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            NumberVisitor.visit_str(v).map(Some)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            super::deserialize(d).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "super")]
        v: f64,
        #[serde(default, with = "super::option")]
        o: Option<f64>,
    }

    fn trip(v: f64, o: Option<f64>) -> (String, T) {
        let json = serde_json::to_string(&T { v, o }).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        (json, back)
    }

    #[test]
    fn non_finite_values_are_prometheus_strings_and_read_back() {
        let (json, back) = trip(f64::INFINITY, Some(f64::NEG_INFINITY));
        assert_eq!(json, r#"{"v":"+Inf","o":"-Inf"}"#);
        assert_eq!((back.v, back.o), (f64::INFINITY, Some(f64::NEG_INFINITY)));
        let (json, back) = trip(f64::NAN, Some(f64::NAN));
        assert_eq!(json, r#"{"v":"NaN","o":"NaN"}"#);
        assert!(back.v.is_nan() && back.o.is_some_and(f64::is_nan));
        let (json, back) = trip(f64::MAX, None);
        assert_eq!(json, r#"{"v":1.7976931348623157e+308,"o":null}"#);
        assert_eq!((back.v, back.o), (f64::MAX, None));
        let (json, back) = trip(12.0, Some(0.5));
        assert_eq!(json, r#"{"v":12.0,"o":0.5}"#);
        assert_eq!((back.v, back.o), (12.0, Some(0.5)));
    }

    #[test]
    fn older_nulls_and_other_spellings_are_read() {
        let t: T = serde_json::from_str(r#"{"v":null}"#).unwrap();
        assert!(t.v.is_nan());
        assert_eq!(t.o, None);
        let t: T = serde_json::from_str(r#"{"v":"inf","o":3}"#).unwrap();
        assert_eq!((t.v, t.o), (f64::INFINITY, Some(3.0)));
        let e = serde_json::from_str::<T>(r#"{"v":"lots"}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid value: string \"lots\", expected a number, or \"+Inf\""),
            "{e}"
        );
    }
}
