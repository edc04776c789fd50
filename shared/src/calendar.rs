//! The Amazon EKS Kubernetes release calendar: when each minor's standard and extended support
//! end, embedded and dated so a report can say how old its calendar is (VER004).
//!
//! Compiled on [`COMPILED`] from the AWS page [`SOURCE`], as stored in its source repository
//! (`awsdocs/amazon-eks-user-guide`, `latest/ug/versioning/kubernetes-versions.adoc` at commit
//! 013856044148, which lists 1.29–1.34; 1.27 and 1.28 from an earlier revision of the same
//! table, `latest/ug/clusters/kubernetes-versions.adoc` at 10ac1b44ba7c; 1.23 from the page's
//! own FAQ, "standard support for version 1.23 ended on October 11, 2023 … extended support
//! ended on October 11, 2024"). 1.35 is not in those revisions: its dates are from secondary
//! sources (endoflife.date, and the aws-samples EKS operation-review skill, "last verified
//! 2026-04-24"), marked [`Verified::Secondary`]. 1.24–1.26 were not found in a revision at
//! hand and are left out: [`Calendar::status`] bounds them by the next listed minor.
//!
//! The page's dates are UTC days; "billing for extended support starts at the beginning of the
//! day that the version reaches end of standard support", so a version is in extended support
//! from 00:00 UTC of its end-of-standard-support date, and out of support from 00:00 UTC of
//! its end-of-extended-support date.

/// Where the dates come from.
pub const SOURCE: &str = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar";

/// When the calendar was compiled (a UTC date): the report shows it, so a stale calendar shows.
pub const COMPILED: &str = "2026-11-29";

/// How a row's dates were checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    /// From the AWS page itself (a stored revision of its source).
    Aws,
    /// From sources that copy it; not seen on the AWS page.
    Secondary,
}

/// One minor's support dates (`YYYY-MM-DD`, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    pub minor: u32,
    pub end_of_standard: &'static str,
    pub end_of_extended: &'static str,
    pub verified: Verified,
}

/// Kubernetes 1.x minors on Amazon EKS, oldest first.
pub const RELEASES: &[Release] = &[
    release(23, "2023-10-11", "2024-10-11", Verified::Aws),
    release(27, "2024-07-24", "2025-07-24", Verified::Aws),
    release(28, "2024-11-26", "2025-11-26", Verified::Aws),
    release(29, "2025-03-23", "2026-03-23", Verified::Aws),
    release(30, "2025-07-23", "2026-07-23", Verified::Aws),
    release(31, "2025-11-26", "2026-11-26", Verified::Aws),
    release(32, "2026-03-23", "2027-03-23", Verified::Aws),
    release(33, "2026-07-29", "2027-07-29", Verified::Aws),
    release(34, "2026-12-02", "2027-12-02", Verified::Aws),
    release(35, "2027-03-27", "2028-03-27", Verified::Secondary),
];

const fn release(
    minor: u32,
    end_of_standard: &'static str,
    end_of_extended: &'static str,
    verified: Verified,
) -> Release {
    Release {
        minor,
        end_of_standard,
        end_of_extended,
        verified,
    }
}

/// Where a minor stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// In standard support until `until`.
    Standard { until: &'static str },
    /// In extended support (billed extra) until `until`.
    Extended { until: &'static str },
    /// Past the end of extended support, since `since` (for a minor not in the calendar: at
    /// the latest since then, the end of the next listed minor's extended support).
    Ended { since: &'static str, exact: bool },
    /// The calendar cannot say: a minor it does not list, whose bound does not decide it, or a
    /// minor newer than it knows past the newest listed minor's standard support (a stale
    /// calendar).
    Unknown,
}

/// The embedded calendar.
pub struct Calendar;

/// Unix seconds of 00:00 UTC of a `YYYY-MM-DD` date.
pub fn day_start(date: &str) -> Option<f64> {
    crate::time::parse(&format!("{date}T00:00:00Z"))
}

impl Calendar {
    /// The row of Kubernetes 1.`minor`, if listed.
    pub fn release(minor: u32) -> Option<&'static Release> {
        RELEASES.iter().find(|r| r.minor == minor)
    }

    /// Where Kubernetes 1.`minor` stands at `now` (Unix seconds).
    pub fn status(minor: u32, now: f64) -> Support {
        let past = |date: &str| day_start(date).is_some_and(|t| now >= t);
        if let Some(r) = Self::release(minor) {
            return if past(r.end_of_extended) {
                Support::Ended {
                    since: r.end_of_extended,
                    exact: true,
                }
            } else if past(r.end_of_standard) {
                Support::Extended {
                    until: r.end_of_extended,
                }
            } else {
                Support::Standard {
                    until: r.end_of_standard,
                }
            };
        }
        // Minors are released in order and each is supported for the same span, so an
        // unlisted minor's support ends no later than the next listed one's.
        if let Some(next) = RELEASES.iter().find(|r| r.minor > minor) {
            if past(next.end_of_extended) {
                return Support::Ended {
                    since: next.end_of_extended,
                    exact: false,
                };
            }
            return Support::Unknown;
        }
        // Newer than every listed minor: in standard support while the newest listed is.
        match RELEASES.last() {
            Some(newest) if !past(newest.end_of_standard) => Support::Standard {
                until: newest.end_of_standard,
            },
            _ => Support::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> f64 {
        day_start(date).unwrap()
    }

    #[test]
    fn rows_are_in_order_and_dates_parse() {
        for pair in RELEASES.windows(2) {
            assert!(pair[0].minor < pair[1].minor);
            assert!(at(pair[0].end_of_extended) < at(pair[1].end_of_extended));
        }
        for r in RELEASES {
            // 14 months of standard support, then 12 of extended: the second date is a year on.
            let year = at(r.end_of_extended) - at(r.end_of_standard);
            assert!([365.0, 366.0].contains(&(year / 86_400.0)), "1.{}", r.minor);
        }
        assert!(day_start(COMPILED).is_some());
    }

    /// The boundaries are 00:00 UTC of the page's dates (billing starts at the day's start).
    #[test]
    fn status_at_the_boundaries() {
        assert_eq!(
            Calendar::status(29, at("2025-03-22") + 86_399.0),
            Support::Standard {
                until: "2025-03-23"
            }
        );
        assert_eq!(
            Calendar::status(29, at("2025-03-23")),
            Support::Extended {
                until: "2026-03-23"
            }
        );
        assert_eq!(
            Calendar::status(29, at("2026-03-23")),
            Support::Ended {
                since: "2026-03-23",
                exact: true
            }
        );
    }

    #[test]
    fn unlisted_minors_are_bounded_by_the_next_listed() {
        // 1.25 is not listed; 1.27's extended support ended 2025-07-24, so 1.25's had too.
        assert_eq!(
            Calendar::status(25, at("2025-07-24")),
            Support::Ended {
                since: "2025-07-24",
                exact: false
            }
        );
        assert_eq!(Calendar::status(25, at("2025-01-01")), Support::Unknown);
        // Older than every row: bounded by 1.23.
        assert_eq!(
            Calendar::status(20, at("2025-01-01")),
            Support::Ended {
                since: "2024-10-11",
                exact: false
            }
        );
        // Newer than every row: standard while the newest row is, then unknown (stale calendar).
        assert_eq!(
            Calendar::status(36, at("2027-01-01")),
            Support::Standard {
                until: "2027-03-27"
            }
        );
        assert_eq!(Calendar::status(36, at("2027-03-27")), Support::Unknown);
    }
}
