//! The registry's own vocabulary, free of protobuf and SQL: region codes and
//! levels, activation channels, dates, and the enrollment-gap arithmetic.

use std::fmt;

use chrono::Utc;
use serde::{Deserialize, Serialize};

/// The prefix of every region's resource name.
pub const REGION_NAME_PREFIX: &str = "regions/";
/// The nation's resource name: Indonesia, by its ISO 3166 code, above every
/// province. Only reads name it (its gap, its provinces and districts).
pub const NATION_NAME: &str = "regions/ID";

/// A well-formed Kemendagri region code of a province (`17`), district
/// (`17.02`), kecamatan (`17.02.09`) or village (`17.02.09.1001`).
/// Well-formed does not mean known.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a resource name such as `regions/17.02.09`.
    pub fn from_name(name: &str) -> Option<Self> {
        name.strip_prefix(REGION_NAME_PREFIX)
            .and_then(Self::from_code)
    }

    /// Parses a resource name, the nation's too.
    pub fn from_name_or_nation(name: &str) -> Option<Self> {
        if name == NATION_NAME {
            Some(Self::nation())
        } else {
            Self::from_name(name)
        }
    }

    /// The nation: the empty code, as in the `rollups` table.
    pub fn nation() -> Self {
        Self(String::new())
    }

    pub fn is_nation(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a bare code such as `17.02.09`.
    pub fn from_code(code: &str) -> Option<Self> {
        // Province, kabupaten and kecamatan parts have two digits, villages four.
        const WIDTHS: [usize; 4] = [2, 2, 2, 4];
        let parts: Vec<&str> = code.split('.').collect();
        let well_formed = (1..=WIDTHS.len()).contains(&parts.len())
            && parts.iter().zip(WIDTHS).all(|(part, width)| {
                part.len() == width && part.bytes().all(|b| b.is_ascii_digit())
            });
        well_formed.then(|| Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The resource name, `regions/{code}` ([`NATION_NAME`] for the nation).
    pub fn name(&self) -> String {
        if self.is_nation() {
            return NATION_NAME.to_owned();
        }
        format!("{REGION_NAME_PREFIX}{}", self.0)
    }

    pub fn level(&self) -> Level {
        if self.is_nation() {
            return Level::Nation;
        }
        match self.0.matches('.').count() {
            0 => Level::Province,
            1 => Level::District,
            2 => Level::Kecamatan,
            _ => Level::Village,
        }
    }

    /// The enclosing region; `None` for a province (and the nation): what
    /// is stored above a province is nothing.
    pub fn parent(&self) -> Option<RegionCode> {
        self.0
            .rsplit_once('.')
            .map(|(parent, _)| Self(parent.to_owned()))
    }

    /// The district this region lies in: itself for a district, and for a
    /// province (which lies in no district) itself too.
    pub fn district(&self) -> RegionCode {
        let mut code = self.clone();
        while code.level() > Level::District {
            match code.parent() {
                Some(parent) => code = parent,
                None => break,
            }
        }
        code
    }

    /// This region, then its parent, up to the province.
    pub fn self_and_ancestors(&self) -> impl Iterator<Item = RegionCode> {
        std::iter::successors(Some(self.clone()), RegionCode::parent)
    }

    /// Whether `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        self.is_nation()
            || other.0 == self.0
            || other
                .0
                .strip_prefix(&self.0)
                .is_some_and(|rest| rest.starts_with('.'))
    }

    /// A SQL `LIKE` pattern matching every code strictly inside this region.
    /// Codes are digits and dots only, so nothing needs escaping.
    pub fn descendants_pattern(&self) -> String {
        if self.is_nation() {
            return "%".to_owned();
        }
        format!("{}.%", self.0)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::from_code(&code).ok_or(code)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

/// The level of a region in the administrative tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// Indonesia; listed before the others so that `Ord` runs from the top
    /// of the tree down. No row of `regions` has it.
    Nation,
    /// Provinsi.
    Province,
    District,
    Kecamatan,
    Village,
}

impl Level {
    /// The number stored in `regions.level`.
    pub fn to_db(self) -> i64 {
        match self {
            Level::Nation => -1,
            Level::Province => 0,
            Level::District => 1,
            Level::Kecamatan => 2,
            Level::Village => 3,
        }
    }

    /// The level of a region's direct children.
    pub fn child(self) -> Option<Level> {
        match self {
            Level::Nation => Some(Level::Province),
            Level::Province => Some(Level::District),
            Level::District => Some(Level::Kecamatan),
            Level::Kecamatan => Some(Level::Village),
            Level::Village => None,
        }
    }
}

/// Where an activation was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Office,
    MobileTeam,
}

impl Channel {
    /// The text stored in `activations.channel`.
    pub fn to_db(self) -> &'static str {
        match self {
            Channel::Office => "office",
            Channel::MobileTeam => "mobile_team",
        }
    }

    pub fn from_db(text: &str) -> Option<Channel> {
        match text {
            "office" => Some(Channel::Office),
            "mobile_team" => Some(Channel::MobileTeam),
            _ => None,
        }
    }
}

pub use jemput_base::calendar::{parse_date, today_in_district};

/// Microseconds since the Unix epoch, the unit of every stored time.
pub fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

/// ceil(fraction × recorded), without letting float error push an exact
/// product one over (0.30 × 202 820 is 60 845.999… in binary floating point).
pub fn target_count(fraction: f64, ktp_el_recorded: i64) -> i64 {
    const SCALE: f64 = 1e9;
    let product = fraction * ktp_el_recorded as f64;
    ((product * SCALE).round() / SCALE).ceil() as i64
}

/// The national IKD target: 30% of recorded KTP-el, every district's until
/// it sets its own.
pub const NATIONAL_TARGET_FRACTION: f64 = 0.30;

/// The target that applies to a region: its own, or its nearest ancestor's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub fraction: f64,
    pub source: RegionCode,
    pub update_micros: i64,
}

/// The target is each district's: a province's or the nation's target and
/// gap are its districts' summed, so that a district above its target does
/// not make up for another below it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSums {
    pub target_count: i64,
    pub gap: i64,
}

impl DistrictSums {
    /// The sums over `districts` (each a district's own gap).
    pub fn of<'a>(districts: impl IntoIterator<Item = &'a Gap>) -> DistrictSums {
        districts
            .into_iter()
            .fold(DistrictSums::default(), |sums, district| DistrictSums {
                target_count: sums.target_count.saturating_add(district.target_count()),
                gap: sums.gap.saturating_add(district.gap()),
            })
    }
}

/// A region's totals and the target that applies to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub region: RegionCode,
    pub display_name: String,
    pub ktp_el_recorded: i64,
    pub ikd_activated: i64,
    /// The latest change to any of the region's villages.
    pub counts_update_micros: i64,
    /// Villages with no counts yet; the totals cover only the others.
    /// Answers stored before provinces existed lack it: all had counts.
    #[serde(default)]
    pub villages_without_counts: i64,
    /// `None` only if no region up to the district has a target.
    pub target: Option<Target>,
    /// For a province or the nation: its districts' targets and gaps,
    /// summed. `None` for a district and the regions within it, whose
    /// target and gap come from their own totals.
    #[serde(default)]
    pub districts: Option<DistrictSums>,
}

impl Gap {
    pub fn counts_missing(&self) -> bool {
        self.villages_without_counts > 0
    }

    pub fn target_fraction(&self) -> f64 {
        self.target.as_ref().map_or(0.0, |t| t.fraction)
    }

    pub fn target_count(&self) -> i64 {
        match self.districts {
            Some(sums) => sums.target_count,
            None => target_count(self.target_fraction(), self.ktp_el_recorded),
        }
    }

    pub fn gap(&self) -> i64 {
        match self.districts {
            Some(sums) => sums.gap,
            None => (self.target_count() - self.ikd_activated).max(0),
        }
    }

    pub fn coverage(&self) -> f64 {
        if self.ktp_el_recorded == 0 {
            0.0
        } else {
            self.ikd_activated as f64 / self.ktp_el_recorded as f64
        }
    }

    /// When the counts or the applicable target last changed.
    pub fn update_micros(&self) -> i64 {
        let target = self.target.as_ref().map_or(0, |t| t.update_micros);
        self.counts_update_micros.max(target)
    }
}

/// What a district decides for itself: where its teams start and its target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictSettings {
    pub district: RegionCode,
    /// The office, or the district's own point until one is set.
    pub office_latitude: f64,
    pub office_longitude: f64,
    pub office_set: bool,
    /// `None` only if neither the district nor its province has a target.
    pub target: Option<Target>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::from_code(text).expect("valid code")
    }

    #[test]
    fn parses_names_of_every_level() {
        assert_eq!(
            RegionCode::from_name("regions/17").map(|c| c.level()),
            Some(Level::Province)
        );
        assert_eq!(
            RegionCode::from_name("regions/17.02").map(|c| c.level()),
            Some(Level::District)
        );
        assert_eq!(
            RegionCode::from_name("regions/17.02.09").map(|c| c.level()),
            Some(Level::Kecamatan)
        );
        assert_eq!(
            RegionCode::from_name("regions/17.02.09.1001").map(|c| c.level()),
            Some(Level::Village)
        );
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in [
            "",
            "regions/",
            "regions/1",
            "regions/17.",
            "17.02",
            "regions/17.2",
            "regions/17.02.9",
            "regions/17.02.09.101",
            "regions/17.02.09.1001.1",
            "regions/17.02.x9",
            "regions/17.02.09.１００１",
            "region/17.02",
        ] {
            assert_eq!(RegionCode::from_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn walks_the_tree() {
        let village = code("17.02.09.1001");
        assert_eq!(village.parent(), Some(code("17.02.09")));
        assert_eq!(village.district(), code("17.02"));
        assert_eq!(
            village.self_and_ancestors().collect::<Vec<_>>(),
            [
                code("17.02.09.1001"),
                code("17.02.09"),
                code("17.02"),
                code("17")
            ]
        );
        assert_eq!(code("17.02").parent(), Some(code("17")));
        assert_eq!(code("17").parent(), None);
        assert_eq!(code("17").district(), code("17"));
        assert!(code("17").contains(&village));
        assert!(!code("17").contains(&code("18.01")));
        assert!(code("17.02").contains(&village));
        assert!(village.contains(&village));
        assert!(!code("17.02.09.1001").contains(&code("17.02.09.1002")));
        assert!(!code("17.02.09").contains(&code("17.02.10.1001")));
    }

    #[test]
    fn target_count_is_exact_for_the_district() {
        assert_eq!(target_count(0.30, 202_820), 60_846);
        assert_eq!(target_count(0.25, 202_820), 50_705);
        assert_eq!(target_count(0.30, 1), 1);
        assert_eq!(target_count(0.30, 0), 0);
        assert_eq!(target_count(1.0, 1184), 1184);
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2024-01-05").is_some());
        assert!(parse_date("2024-1-5").is_none());
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("05-01-2024").is_none());
    }
}
