//! Instants as AWS writes them (`2026-11-29T20:50:00Z`, `...+00:00`,
//! fractions of a second) and as acct writes them (always `Z`), and
//! durations for people, with `jiff`: acct only compares expiries and prints
//! them, so an instant is epoch seconds.

use jiff::fmt::friendly::SpanPrinter;
use jiff::{SignedDuration, Timestamp, Unit};

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    Timestamp::now().as_second()
}

/// An RFC 3339 instant (`YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)`) as
/// epoch seconds; `None` for anything else, a date that does not exist
/// (`2026-02-31`) included.
pub fn parse(text: &str) -> Option<i64> {
    text.parse::<Timestamp>().ok().map(Timestamp::as_second)
}

/// Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ` (clamped to jiff's years
/// -9999 to 9999).
pub fn format(epoch: i64) -> String {
    let second = epoch.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(second)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_string()
}

/// A duration for people: `11h 58m`, `42m`.
pub fn human(seconds: i64) -> String {
    static PRINTER: SpanPrinter = SpanPrinter::new().zero_unit(Unit::Minute);
    // To the nearest minute: a 12h session said a second after it began is
    // still 12h, not 11h 59m.
    let duration = SignedDuration::from_secs(seconds.max(0))
        .round(Unit::Minute)
        .unwrap_or(SignedDuration::MAX);
    PRINTER.duration_to_string(&duration)
}

/// `12h`, `90m`, `1h30m`, `36h` as seconds; `None` when it is not of that form.
/// Hand-written, not jiff's friendly format: that also takes `1.5h`, `12 h`,
/// `12 hours` and `PT12H`, which acct refuses (README: `12h`, `90m`, `1h30m`).
pub fn parse_duration(text: &str) -> Option<u32> {
    let mut total: u32 = 0;
    let mut digits = String::new();
    let mut units = 0;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'h' | 'm' | 's' if !digits.is_empty() => {
                let value: u32 = digits.parse().ok()?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(value.checked_mul(unit)?)?;
                digits.clear();
                units += 1;
            }
            _ => return None,
        }
    }
    (digits.is_empty() && units > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_times_round_trip() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2026-11-29T20:50:00Z"), Some(1_795_985_400));
        assert_eq!(parse("2026-11-29T21:50:00+01:00"), Some(1_795_985_400));
        assert_eq!(
            parse("2026-11-29T20:50:00.123456+00:00"),
            Some(1_795_985_400)
        );
        assert_eq!(format(1_795_985_400), "2026-11-29T20:50:00Z");
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00Z");
        for bad in [
            "",
            "2026-11-29",
            "2026-13-01T00:00:00Z",
            "2026-11-29T20:50:00",
            "x026-11-29T20:50:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(human(43_080), "11h 58m");
        assert_eq!(human(43_199), "12h", "a second after a 12h session began");
        assert_eq!(human(43_169), "11h 59m");
        assert_eq!(parse_duration("12h"), Some(43_200));
        assert_eq!(parse_duration("1h30m"), Some(5_400));
        assert_eq!(parse_duration("15m"), Some(900));
        for bad in ["", "12", "h", "1.5h", "12 h", "-1h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(human(2_520), "42m");
        assert_eq!(human(29), "0m");
        assert_eq!(human(-5), "0m");
        assert_eq!(human(36 * 3600), "36h");
    }

    #[test]
    fn dates_that_do_not_exist_are_not_times() {
        for bad in [
            "2026-02-31T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-31T20:50:00+00:00",
            "2026-11-29T24:00:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse("2028-02-29T00:00:00Z"), Some(1_835_395_200));
        assert_eq!(parse("2026-12-31T23:59:59Z"), Some(1_798_761_599));
        assert_eq!(parse("2026-11-29 20:50:00z"), Some(1_795_985_400));
    }

    #[test]
    fn instants_out_of_range_still_print() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert!(format(i64::MAX).starts_with("9999-12-"));
        assert!(format(i64::MIN).starts_with("-009999-"));
    }
}
