//! Reading what a person types: region codes (`17.02.09` or
//! `regions/17.02.09`, `ID` for the nation), target shares (`0.3`, `30%`, `27,5%`), amounts of
//! rupiah (`250.000.000`, `Rp 250.000.000`, `250jt`) and dates.
//!
//! These checks only catch typing mistakes early, with a clearer message;
//! the registry still validates everything it is sent.

use chrono::NaiveDate;

/// The district the seed data describes, used when no region is given.
pub const DEFAULT_DISTRICT: &str = "regions/17.02";

/// Turns `17.02.09`, `regions/17.02.09` or ` 17.02.09 ` into `regions/17.02.09`,
/// and `ID` into `regions/ID`, the nation.
///
/// A Kemendagri code is two digits (province), then `.NN` (kabupaten),
/// `.NN` (kecamatan) and `.NNNN` (desa/kelurahan).
pub fn parse_region(text: &str) -> Result<String, String> {
    let text = text.trim();
    let code = text.strip_prefix("regions/").unwrap_or(text);
    // The nation, Indonesia by its ISO code: read-only, for gaps and splits.
    if code.eq_ignore_ascii_case("ID") {
        return Ok("regions/ID".to_owned());
    }
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

/// `plans/0123abcd` or just `0123abcd`: a stored plan's name.
pub fn parse_plan(text: &str) -> Result<String, String> {
    let text = text.trim();
    let id = text.strip_prefix("plans/").unwrap_or(text);
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "`{text}` is not a plan: expected plans/ and its id"
        ));
    }
    Ok(format!("plans/{id}"))
}

/// `activations/12` or just `12`: a ledger entry's name.
pub fn parse_activation(text: &str) -> Result<String, String> {
    let text = text.trim();
    let id = text.strip_prefix("activations/").unwrap_or(text);
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{text}` is not a ledger entry: expected activations/12 (see `jemput ledger`)"
        ));
    }
    Ok(format!("activations/{id}"))
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
        if !(value > 0.0 && value <= 100.0) {
            return Err(format!(
                "`{text}` is not a share: a target is more than 0% and at most 100%"
            ));
        }
        return Ok(value / 100.0);
    }
    if value > 1.0 {
        return Err(format!(
            "`{text}` is more than the whole: did you mean {text}%? (a share is 0.3 or 30%)"
        ));
    }
    Ok(value)
}

/// A latitude or longitude in decimal degrees, within ±`limit`; a comma
/// is read as the decimal point, as Indonesian maps write it.
fn parse_degrees(text: &str, what: &str, limit: f64) -> Result<f64, String> {
    let value: f64 =
        text.trim().replace(',', ".").parse().map_err(|_| {
            format!("`{text}` is not a {what}: write decimal degrees, e.g. -3.1667")
        })?;
    if !(value.is_finite() && value.abs() <= limit) {
        return Err(format!(
            "`{text}` is not a {what}: it lies between -{limit} and {limit}"
        ));
    }
    Ok(value)
}

pub fn parse_latitude(text: &str) -> Result<f64, String> {
    parse_degrees(text, "latitude", 90.0)
}

pub fn parse_longitude(text: &str) -> Result<f64, String> {
    parse_degrees(text, "longitude", 180.0)
}

pub use jemput_base::calendar::today_in_district;

/// A role name: admin, planner, budget, field, viewer or service.
pub fn parse_role(text: &str) -> Result<jemput_auth::Role, String> {
    text.trim().to_ascii_lowercase().parse()
}

/// A validity period: a whole number of days (`30d`), hours (`12h`) or
/// weeks (`2w`), at most five years.
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let bad = || format!("{text:?} is not a duration such as 30d, 12h or 2w");
    let split = text.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let hours = match unit {
        "h" => Some(n),
        "d" => n.checked_mul(24),
        "w" => n.checked_mul(24 * 7),
        _ => None,
    }
    .ok_or_else(bad)?;
    if !(1..=5 * 366 * 24).contains(&hours) {
        return Err(format!("{text:?} must be between 1h and 5 years"));
    }
    Ok(chrono::Duration::hours(hours))
}

/// Reads a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    jemput_base::calendar::parse_date(text.trim())
        .ok_or_else(|| format!("`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-03-31"))
}

/// Reads an amount of whole rupiah as a budget officer writes it:
/// `250000000`, `250.000.000`, `Rp 250.000.000`, `250jt`, `250 juta`,
/// `2,5 jt`, `500rb`, `1,2 miliar`, `2M` (miliar). A leading `-` is kept, for the
/// optimizer to reject with its own message.
///
/// '.' groups thousands and ',' starts decimals, the Indonesian way; after
/// a unit (`2.5jt`) a lone '.' that cannot group thousands is a decimal point.
pub fn parse_rupiah(text: &str) -> Result<i64, String> {
    let invalid = || {
        format!(
            "`{text}` is not an amount of rupiah: write e.g. 250000000, 250.000.000, Rp 250.000.000 or 250jt"
        )
    };
    let mut rest = text.trim();
    let negative = match rest.strip_prefix('-') {
        Some(after) => {
            rest = after.trim_start();
            true
        }
        None => false,
    };
    if rest
        .get(..2)
        .is_some_and(|rp| rp.eq_ignore_ascii_case("rp"))
    {
        rest = rest[2..].trim_start_matches('.').trim_start();
    }
    let unit_at = rest.find(|c: char| c.is_alphabetic()).unwrap_or(rest.len());
    let (number, unit) = (rest[..unit_at].trim(), rest[unit_at..].trim());
    let multiplier: i128 = match unit.to_lowercase().as_str() {
        // "Rp 2 M" is two miliar, the Indonesian way; a lower-case m is
        // refused rather than guessed (million or miliar).
        "m" if unit == "M" => 1_000_000_000,
        "" => 1,
        "rb" | "ribu" => 1_000,
        "jt" | "juta" => 1_000_000,
        "miliar" | "milyar" => 1_000_000_000,
        _ => return Err(invalid()),
    };
    let (whole, fraction) = match number.split_once(',') {
        Some((whole, fraction)) => (whole, fraction),
        None if groups_thousands(number) => (number, ""),
        // `2.5jt`: a decimal point, since it cannot group thousands.
        None if unit.is_empty() => return Err(invalid()),
        None => number.split_once('.').unwrap_or((number, "")),
    };
    if !groups_thousands(whole)
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    let digits = format!("{}{fraction}", whole.replace('.', ""));
    let scale = 10_i128.pow(fraction.len() as u32);
    let amount = digits
        .parse::<i128>()
        .ok()
        .and_then(|value| value.checked_mul(multiplier))
        .ok_or_else(invalid)?;
    if amount % scale != 0 {
        return Err(format!("`{text}` is not a whole number of rupiah"));
    }
    let amount = if negative {
        -amount / scale
    } else {
        amount / scale
    };
    i64::try_from(amount).map_err(|_| format!("`{text}` is too large an amount"))
}

/// `250`, `250000000` or `250.000.000`: digits, with any '.' between
/// groups of exactly three.
fn groups_thousands(number: &str) -> bool {
    let mut groups = number.split('.');
    let first = groups.next().unwrap_or("");
    let digits = |group: &str| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) {
        return false;
    }
    let mut rest = groups.peekable();
    if rest.peek().is_none() {
        return true;
    }
    first.len() <= 3 && rest.all(|group| group.len() == 3 && digits(group))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_written() {
        assert_eq!(parse_duration("30d"), Ok(chrono::Duration::days(30)));
        assert_eq!(parse_duration("12h"), Ok(chrono::Duration::hours(12)));
        assert_eq!(parse_duration("2w"), Ok(chrono::Duration::weeks(2)));
        for bad in [
            "",
            "d",
            "30",
            "-1d",
            "0h",
            "30x",
            "99999999999999999999d",
            "100000w",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_role(" Field "), Ok(jemput_auth::Role::Field));
        assert!(parse_role("root").is_err());
    }

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
        assert_eq!(parse_region("ID").unwrap(), "regions/ID");
        assert_eq!(parse_region("regions/id").unwrap(), "regions/ID");
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
        assert!(parse_fraction("150%").unwrap_err().contains("at most 100%"));
        assert!(parse_fraction("0%").is_err());
    }

    #[test]
    fn rupiah_as_budget_officers_write_it() {
        for text in [
            "250000000",
            "250.000.000",
            "Rp 250.000.000",
            "rp250.000.000",
            "Rp. 250.000.000",
            "250jt",
            "250 juta",
            "250 JT",
            "250.000 rb",
            "0,25 miliar",
            "250.000.000,00",
        ] {
            assert_eq!(parse_rupiah(text), Ok(250_000_000), "{text}");
        }
        assert_eq!(parse_rupiah("2,5jt"), Ok(2_500_000));
        assert_eq!(parse_rupiah("2.5jt"), Ok(2_500_000));
        assert_eq!(parse_rupiah("1.500jt"), Ok(1_500_000_000));
        assert_eq!(parse_rupiah("0"), Ok(0));
        assert_eq!(parse_rupiah("2M"), Ok(2_000_000_000));
        assert_eq!(parse_rupiah("Rp 1,5 M"), Ok(1_500_000_000));
        assert!(parse_rupiah("2m").is_err());
        assert_eq!(parse_rupiah("-1"), Ok(-1));
        assert_eq!(parse_rupiah("-Rp 5.000"), Ok(-5_000));
    }

    #[test]
    fn rupiah_rejects_what_is_not_an_amount() {
        for bad in [
            "",
            "Rp",
            "jt",
            "2.5",
            "25.00.000",
            "250 dolar",
            "250,5",
            "1,2345rb",
            "1e9",
            "250.000.000.",
            "99999999999 miliar",
        ] {
            assert!(parse_rupiah(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse_rupiah("250,5").unwrap_err().contains("whole"));
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
