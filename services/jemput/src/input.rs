//! Reading what a person types: region codes (`17.02.09` or
//! `regions/17.02.09`), target shares (`0.3`, `30%`, `27,5%`) and dates.
//!
//! These checks only catch typing mistakes early, with a clearer message;
//! the registry still validates everything it is sent.

use chrono::NaiveDate;

/// The district the seed data describes, used when no region is given.
pub const DEFAULT_DISTRICT: &str = "regions/17.02";

/// Turns `17.02.09`, `regions/17.02.09` or ` 17.02.09 ` into `regions/17.02.09`.
///
/// A Kemendagri code is two digits (province), then `.NN` (kabupaten),
/// `.NN` (kecamatan) and `.NNNN` (desa/kelurahan).
pub fn parse_region(text: &str) -> Result<String, String> {
    let text = text.trim();
    let code = text.strip_prefix("regions/").unwrap_or(text);
    let widths: &[usize] = &[2, 2, 2, 4];
    let parts: Vec<&str> = code.split('.').collect();
    let well_formed = parts.len() <= widths.len()
        && parts
            .iter()
            .zip(widths)
            .all(|(part, width)| part.len() == *width && part.bytes().all(|b| b.is_ascii_digit()));
    if code.is_empty() || !well_formed {
        return Err(format!(
            "`{text}` is not a region: expected a Kemendagri code such as 17.02.09 or regions/17.02.09"
        ));
    }
    Ok(format!("regions/{code}"))
}

/// The code part of a region name, for tables: `regions/17.02.09` → `17.02.09`.
pub fn region_code(name: &str) -> &str {
    name.strip_prefix("regions/").unwrap_or(name)
}

/// Reads a target share: `0.3`, `0,3`, `30%` or `27,5%` (all as fractions of 1).
pub fn parse_fraction(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, percent) = match trimmed.strip_suffix('%') {
        Some(number) => (number.trim(), true),
        None => (trimmed, false),
    };
    let value: f64 = number
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("`{text}` is not a share: write it as 0.3 or 30%"))?;
    if !value.is_finite() {
        return Err(format!("`{text}` is not a share: write it as 0.3 or 30%"));
    }
    if percent {
        return Ok(value / 100.0);
    }
    if value > 1.0 {
        return Err(format!(
            "`{text}` is more than the whole: did you mean {text}%? (a share is 0.3 or 30%)"
        ));
    }
    Ok(value)
}

/// Today in the district's calendar. Rejang Lebong keeps WIB (UTC+7), as
/// the registry does when it checks that no activation is in the future;
/// the machine's own time zone (often UTC on servers) would record work done
/// before 07:00 WIB on the day before.
pub fn today_in_district() -> NaiveDate {
    let wib = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    chrono::Utc::now().with_timezone(&wib).date_naive()
}

/// Reads a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-03-31"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_accept_code_or_name() {
        assert_eq!(parse_region("17.02.09").unwrap(), "regions/17.02.09");
        assert_eq!(
            parse_region("regions/17.02.09").unwrap(),
            "regions/17.02.09"
        );
        assert_eq!(parse_region(" 17.02 ").unwrap(), "regions/17.02");
        assert_eq!(
            parse_region("17.02.09.1001").unwrap(),
            "regions/17.02.09.1001"
        );
    }

    #[test]
    fn regions_reject_typos() {
        for bad in [
            "",
            "regions/",
            "17-02",
            "17.2.09",
            "17.02.09.101",
            "17.02.09.1001.1",
            "Curup",
        ] {
            assert!(parse_region(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn region_code_strips_the_collection() {
        assert_eq!(region_code("regions/17.02.09"), "17.02.09");
        assert_eq!(region_code("17.02"), "17.02");
    }

    #[test]
    fn fractions_accept_shares_and_percentages() {
        assert_eq!(parse_fraction("0.3").unwrap(), 0.3);
        assert_eq!(parse_fraction("0,3").unwrap(), 0.3);
        assert_eq!(parse_fraction("30%").unwrap(), 0.3);
        assert_eq!(parse_fraction("27,5%").unwrap(), 0.275);
        assert_eq!(parse_fraction("1").unwrap(), 1.0);
    }

    #[test]
    fn fractions_reject_what_cannot_be_a_share() {
        let err = parse_fraction("30").unwrap_err();
        assert!(err.contains("30%"), "{err}");
        assert!(parse_fraction("thirty").is_err());
        assert!(parse_fraction("inf").is_err());
        assert!(parse_fraction("%").is_err());
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(
            parse_date("2026-12-31").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert!(parse_date("31-12-2026").is_err());
        assert!(parse_date("2026-02-30").is_err());
    }
}
