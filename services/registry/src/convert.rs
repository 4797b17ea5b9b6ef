//! The edge between protobuf and the domain: every request is checked and
//! turned into domain values here (collecting every field problem at once),
//! and domain values are turned back into messages. Nothing past this module
//! sees a `pb` type.

use std::collections::{HashMap, hash_map::Entry};

use chrono::NaiveDate;
use jemput_base::format::{Lang, count, date as date_text};
use jemput_proto::registry as pb;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::{
    domain::{Channel, DistrictSettings, Gap, Level, NATION_NAME, RegionCode, parse_date},
    error::{RegistryError, Violations},
    seed::BOUNDARY_ATTRIBUTION,
    store::{
        Activation, ActivationBatch, Added, Correction, CountsImport, LedgerEntry, RegionRecord,
        RegionsAddition, SettingsUpdate, VillageCounts,
    },
};

/// Page size when the client gives none.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest page served, whatever the client asks.
pub const MAX_PAGE_SIZE: usize = 1000;
/// The most reports (or village rows) one write may carry.
pub const MAX_BATCH_ROWS: usize = 10_000;
/// Longest accepted `request_id` and `team`: ids and names, not documents.
const MAX_ID_CHARS: usize = 200;
/// The most residents one village can count (recorded KTP-el, activated IKD,
/// or one report's activations). Indonesia's largest kelurahan has about
/// 100.000 residents; the bound keeps every sum a batch or a rollup makes far
/// inside `i64`, so no client number can wrap a total.
pub const MAX_VILLAGE_COUNT: i64 = 10_000_000;
/// IKD (the digital ID) was launched at the end of 2022: no activation can be
/// dated before 2023.
pub const FIRST_ACTIVATION_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2023, 1, 1) {
    Some(date) => date,
    None => panic!("2023-01-01 is a date"),
};
/// The most bytes of a client's text an error message repeats back.
const ECHO_BYTES: usize = 64;

/// `text` quoted for an error message, cut to a few dozen bytes (on a
/// character boundary) so a huge field never comes back in the answer.
pub fn excerpt(text: &str) -> String {
    if text.len() <= ECHO_BYTES {
        return format!("{text:?}");
    }
    let mut end = ECHO_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}… ({} bytes)", &text[..end], text.len())
}

/// A number for an error message: plain when it reads well, else in
/// exponent form, so 1e-300 is not three hundred zeros.
fn short_number(value: f64) -> String {
    if value == 0.0 || (value.is_finite() && (1e-4..1e9).contains(&value.abs())) {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

/// Ids and names are printable text: control characters (NUL among them,
/// which PostgreSQL cannot store) are refused the same way on every engine.
pub(crate) fn printable_field(text: &str, field: &str, violations: &mut Violations) {
    if text.chars().any(char::is_control) {
        violations.add(
            field,
            "must not contain control characters",
            "tidak boleh berisi karakter kendali",
        );
    }
}

/// An optional `YYYY-MM-DD` date: `None` when empty, and a violation on
/// `field` when malformed.
fn optional_date_field(text: &str, field: &str, violations: &mut Violations) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        violations.add(
            field,
            format!("must be a date as YYYY-MM-DD; got {}", excerpt(text)),
            format!(
                "harus tanggal berbentuk TTTT-BB-HH; yang diberikan {}",
                excerpt(text)
            ),
        );
    }
    date
}

/// Parses a required region name, recording a violation on `field` if malformed.
pub fn region_field(name: &str, field: &str, violations: &mut Violations) -> Option<RegionCode> {
    let code = RegionCode::from_name(name);
    if code.is_none() {
        violations.add(
            field,
            format!(
                "must be regions/ and a Kemendagri code such as 17, 17.02, 17.02.09 or 17.02.09.1001; got {}",
                excerpt(name)
            ),
            format!(
                "harus regions/ diikuti kode Kemendagri seperti 17, 17.02, 17.02.09 atau 17.02.09.1001; yang diberikan {}",
                excerpt(name)
            ),
        );
    }
    code
}

/// As [`region_field`], where the nation ([`NATION_NAME`]) may be named too.
pub fn region_or_nation_field(
    name: &str,
    field: &str,
    violations: &mut Violations,
) -> Option<RegionCode> {
    if name == NATION_NAME {
        return Some(RegionCode::nation());
    }
    region_field(name, field, violations)
}

/// A region or the nation as a whole request.
pub fn region_or_nation_name(name: &str, field: &str) -> Result<RegionCode, RegistryError> {
    let mut violations = Violations::default();
    let code = region_or_nation_field(name, field, &mut violations);
    violations.into_result()?;
    code.ok_or_else(|| RegistryError::invalid(field, "missing", "tidak ada"))
}

fn request_id_field(request_id: &str, violations: &mut Violations) {
    if request_id.is_empty() {
        violations.add(
            "request_id",
            "is required, so a retry can be recognised",
            "wajib diisi, agar pengulangan dapat dikenali",
        );
    } else if request_id.chars().count() > MAX_ID_CHARS {
        violations.add(
            "request_id",
            format!("must be at most {MAX_ID_CHARS} characters"),
            format!("paling panjang {MAX_ID_CHARS} karakter"),
        );
    } else {
        printable_field(request_id, "request_id", violations);
    }
}

/// Identifies a write's payload: the method and the canonical encoding of its
/// request (prost encodes a message the same way every time).
fn payload_sha256(method: &str, request: &impl Message) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(request.encode_to_vec());
    hasher.finalize().to_vec()
}

fn level_field(level: i32, field: &str, violations: &mut Violations) -> Option<Level> {
    match pb::RegionLevel::try_from(level) {
        Ok(pb::RegionLevel::Unspecified) => None,
        Ok(pb::RegionLevel::Nation) => Some(Level::Nation),
        Ok(pb::RegionLevel::Province) => Some(Level::Province),
        Ok(pb::RegionLevel::District) => Some(Level::District),
        Ok(pb::RegionLevel::Kecamatan) => Some(Level::Kecamatan),
        Ok(pb::RegionLevel::Village) => Some(Level::Village),
        Err(_) => {
            violations.add(
                field,
                format!("unknown level {level}"),
                format!("tingkat {level} tidak dikenal"),
            );
            None
        }
    }
}

fn view_field(view: i32, violations: &mut Violations) -> bool {
    match pb::RegionView::try_from(view) {
        Ok(pb::RegionView::Full) => true,
        Ok(pb::RegionView::Unspecified | pb::RegionView::Basic) => false,
        Err(_) => {
            violations.add(
                "view",
                format!("unknown view {view}"),
                format!("tampilan {view} tidak dikenal"),
            );
            false
        }
    }
}

/// A checked `GetRegion` request.
pub struct GetRegion {
    pub region: RegionCode,
    pub with_boundary: bool,
}

impl TryFrom<pb::GetRegionRequest> for GetRegion {
    type Error = RegistryError;

    fn try_from(request: pb::GetRegionRequest) -> Result<Self, Self::Error> {
        let mut violations = Violations::default();
        let region = region_field(&request.name, "name", &mut violations);
        let with_boundary = view_field(request.view, &mut violations);
        violations.into_result()?;
        Ok(GetRegion {
            region: region.ok_or_else(|| RegistryError::invalid("name", "missing", "tidak ada"))?,
            with_boundary,
        })
    }
}

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub size: usize,
}

/// Page tokens are opaque to clients: 16 hex digits of offset, then 16 of a
/// check over the query and the offset, so a token from another query (or an
/// edited one) is refused rather than silently paging something else.
fn page_check(query: &str, offset: u64) -> u64 {
    // FNV-1a: stable across builds and releases, unlike std's hasher.
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    query
        .bytes()
        .chain(offset.to_be_bytes())
        .fold(OFFSET_BASIS, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

pub fn page_token(query: &str, offset: usize) -> String {
    let offset = offset as u64;
    format!("{offset:016x}{:016x}", page_check(query, offset))
}

pub(crate) fn page_field(
    page_size: i32,
    page_token: &str,
    query: &str,
    violations: &mut Violations,
) -> Page {
    let size = match usize::try_from(page_size) {
        Err(_) => {
            violations.add("page_size", "must not be negative", "tidak boleh negatif");
            DEFAULT_PAGE_SIZE
        }
        Ok(0) => DEFAULT_PAGE_SIZE,
        Ok(size) => size.min(MAX_PAGE_SIZE),
    };
    if page_token.is_empty() {
        return Page { offset: 0, size };
    }
    let parsed = (page_token.len() == 32 && page_token.is_ascii())
        .then(|| {
            let offset = u64::from_str_radix(&page_token[..16], 16).ok()?;
            let check = u64::from_str_radix(&page_token[16..], 16).ok()?;
            (check == page_check(query, offset)).then_some(offset)
        })
        .flatten()
        .and_then(|offset| usize::try_from(offset).ok());
    match parsed {
        Some(offset) => Page { offset, size },
        None => {
            violations.add(
                "page_token",
                "is not a next_page_token from this same query",
                "bukan next_page_token dari kueri yang sama",
            );
            Page { offset: 0, size }
        }
    }
}

/// A checked `ListRegions` request.
pub struct ListRegions {
    pub parent: RegionCode,
    /// `None` when the parent is a village and no level was asked for.
    pub level: Option<Level>,
    pub page: Page,
    pub with_boundary: bool,
    pub query: String,
}

/// The level to list below `parent`: the one asked for, or the children's.
fn listed_level(
    parent: Option<&RegionCode>,
    level: Option<Level>,
    violations: &mut Violations,
) -> Option<Level> {
    let parent_level = parent?.level();
    match level {
        None => parent_level.child(),
        Some(level) if level > parent_level => Some(level),
        Some(_) => {
            violations.add(
                "level",
                "must be below the parent's level",
                "harus di bawah tingkat induknya",
            );
            None
        }
    }
}

impl TryFrom<pb::ListRegionsRequest> for ListRegions {
    type Error = RegistryError;

    fn try_from(request: pb::ListRegionsRequest) -> Result<Self, Self::Error> {
        let mut violations = Violations::default();
        let parent = region_or_nation_field(&request.parent, "parent", &mut violations);
        let asked = level_field(request.level, "level", &mut violations);
        let level = listed_level(parent.as_ref(), asked, &mut violations);
        let with_boundary = view_field(request.view, &mut violations);
        let query = format!("ListRegions|{}|{}", request.parent, request.level);
        let page = page_field(
            request.page_size,
            &request.page_token,
            &query,
            &mut violations,
        );
        violations.into_result()?;
        Ok(ListRegions {
            parent: parent
                .ok_or_else(|| RegistryError::invalid("parent", "missing", "tidak ada"))?,
            level,
            page,
            with_boundary,
            query,
        })
    }
}

/// How a list of gaps is ordered; ties always fall back to the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapOrder {
    GapDescending,
    CoverageAscending,
    Name,
}

impl GapOrder {
    fn parse(order_by: &str) -> Option<GapOrder> {
        let words: Vec<String> = order_by
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            [] | ["gap", "desc"] => Some(GapOrder::GapDescending),
            ["coverage", "asc"] => Some(GapOrder::CoverageAscending),
            ["name"] | ["name", "asc"] => Some(GapOrder::Name),
            _ => None,
        }
    }

    /// Sorts gaps in this order (they arrive sorted by name).
    pub fn sort(self, gaps: &mut [Gap]) {
        match self {
            GapOrder::GapDescending => {
                gaps.sort_by(|a, b| b.gap().cmp(&a.gap()).then_with(|| a.region.cmp(&b.region)))
            }
            GapOrder::CoverageAscending => {
                gaps.sort_by(|a, b| {
                    a.coverage()
                        .total_cmp(&b.coverage())
                        .then_with(|| a.region.cmp(&b.region))
                });
            }
            GapOrder::Name => gaps.sort_by(|a, b| a.region.cmp(&b.region)),
        }
    }
}

/// A checked `ListEnrollmentGaps` request.
pub struct ListGaps {
    pub parent: RegionCode,
    pub level: Option<Level>,
    pub page: Page,
    pub order: GapOrder,
    pub query: String,
}

impl TryFrom<pb::ListEnrollmentGapsRequest> for ListGaps {
    type Error = RegistryError;

    fn try_from(request: pb::ListEnrollmentGapsRequest) -> Result<Self, Self::Error> {
        let mut violations = Violations::default();
        let parent = region_or_nation_field(&request.parent, "parent", &mut violations);
        let asked = level_field(request.level, "level", &mut violations);
        let level = listed_level(parent.as_ref(), asked, &mut violations);
        let order = GapOrder::parse(&request.order_by);
        if order.is_none() {
            violations.add(
                "order_by",
                format!(
                    "must be \"gap desc\", \"coverage asc\" or \"name\"; got {}",
                    excerpt(&request.order_by)
                ),
                format!(
                    "harus \"gap desc\", \"coverage asc\" atau \"name\"; yang diberikan {}",
                    excerpt(&request.order_by)
                ),
            );
        }
        let query = format!(
            "ListEnrollmentGaps|{}|{}|{:?}",
            request.parent, request.level, order
        );
        let page = page_field(
            request.page_size,
            &request.page_token,
            &query,
            &mut violations,
        );
        violations.into_result()?;
        Ok(ListGaps {
            parent: parent
                .ok_or_else(|| RegistryError::invalid("parent", "missing", "tidak ada"))?,
            level,
            page,
            order: order.unwrap_or(GapOrder::GapDescending),
            query,
        })
    }
}

fn batch_size_field(rows: usize, field: &str, violations: &mut Violations) {
    if rows == 0 {
        violations.add(
            field,
            "at least one is required",
            "paling sedikit satu wajib ada",
        );
    } else if rows > MAX_BATCH_ROWS {
        violations.add(
            field,
            format!("at most {MAX_BATCH_ROWS} per call"),
            format!(
                "paling banyak {} per panggilan",
                count(MAX_BATCH_ROWS as i64)
            ),
        );
    }
}

/// A village named by `field`: well-formed, at village level and held by the
/// registry. Unknown villages inside a batch are field violations like any
/// other, so one answer lists every problem in the batch.
pub(crate) fn village_field(
    name: &str,
    field: &str,
    known: &impl Fn(&RegionCode) -> bool,
    violations: &mut Violations,
) -> Option<RegionCode> {
    let code = region_field(name, field, violations)?;
    if code.level() != Level::Village {
        violations.add(
            field,
            format!("{code} is not a village (desa/kelurahan)"),
            format!("{code} bukan desa/kelurahan"),
        );
        None
    } else if !known(&code) {
        violations.add(
            field,
            format!("{code} does not exist"),
            format!("{code} tidak ada"),
        );
        None
    } else {
        Some(code)
    }
}

/// Checks a `RecordActivations` request against the known regions and `today`.
pub fn activation_batch(
    request: pb::RecordActivationsRequest,
    known: impl Fn(&RegionCode) -> bool,
    today: NaiveDate,
) -> Result<ActivationBatch, RegistryError> {
    let payload_sha256 = payload_sha256("RecordActivations", &request);
    let mut violations = Violations::default();
    request_id_field(&request.request_id, &mut violations);
    batch_size_field(request.reports.len(), "reports", &mut violations);
    let mut reports = Vec::with_capacity(request.reports.len());
    for (i, report) in request.reports.into_iter().enumerate() {
        let field = |name: &str| format!("reports[{i}].{name}");
        let village = village_field(&report.region, &field("region"), &known, &mut violations);
        if report.count <= 0 {
            violations.add(
                field("count"),
                format!("must be positive; got {}", report.count),
                format!("harus lebih dari 0; yang diberikan {}", count(report.count)),
            );
        } else if report.count > MAX_VILLAGE_COUNT {
            violations.add(
                field("count"),
                format!(
                    "must be at most {MAX_VILLAGE_COUNT}, more than any village has; got {}",
                    report.count
                ),
                format!(
                    "paling banyak {}, lebih dari jumlah di desa mana pun; yang diberikan {}",
                    count(MAX_VILLAGE_COUNT),
                    count(report.count)
                ),
            );
        }
        let date = parse_date(&report.activation_date);
        match date {
            None => violations.add(
                field("activation_date"),
                format!(
                    "must be a date as YYYY-MM-DD; got {}",
                    excerpt(&report.activation_date)
                ),
                format!(
                    "harus tanggal berbentuk TTTT-BB-HH; yang diberikan {}",
                    excerpt(&report.activation_date)
                ),
            ),
            Some(date) if date > today => violations.add(
                field("activation_date"),
                format!("{date} is in the future (today is {today})"),
                format!(
                    "{} masih di masa depan (hari ini {})",
                    date_text(date, Lang::Id),
                    date_text(today, Lang::Id)
                ),
            ),
            Some(date) if date < FIRST_ACTIVATION_DATE => violations.add(
                field("activation_date"),
                format!("{date} is before IKD existed (from {FIRST_ACTIVATION_DATE})"),
                format!(
                    "{} sebelum IKD ada (mulai {})",
                    date_text(date, Lang::Id),
                    date_text(FIRST_ACTIVATION_DATE, Lang::Id)
                ),
            ),
            Some(_) => {}
        }
        let channel = match pb::Channel::try_from(report.channel) {
            Ok(pb::Channel::Office) => Some(Channel::Office),
            Ok(pb::Channel::MobileTeam) => Some(Channel::MobileTeam),
            Ok(pb::Channel::Unspecified) | Err(_) => {
                violations.add(
                    field("channel"),
                    "must be CHANNEL_OFFICE or CHANNEL_MOBILE_TEAM",
                    "harus CHANNEL_OFFICE atau CHANNEL_MOBILE_TEAM",
                );
                None
            }
        };
        if report.team.chars().count() > MAX_ID_CHARS {
            violations.add(
                field("team"),
                format!("must be at most {MAX_ID_CHARS} characters"),
                format!("paling panjang {MAX_ID_CHARS} karakter"),
            );
        } else {
            printable_field(&report.team, &field("team"), &mut violations);
        }
        if let (Some(village), Some(date), Some(channel)) = (village, date, channel) {
            reports.push(Activation {
                village,
                count: report.count,
                date,
                channel,
                team: report.team,
            });
        }
    }
    violations.into_result()?;
    Ok(ActivationBatch {
        request_id: request.request_id,
        payload_sha256,
        reports,
    })
}

/// Checks an `ImportRegions` request: every bad row is reported.
pub fn counts_import(
    request: pb::ImportRegionsRequest,
    known: impl Fn(&RegionCode) -> bool,
) -> Result<CountsImport, RegistryError> {
    let payload_sha256 = payload_sha256("ImportRegions", &request);
    let mut violations = Violations::default();
    request_id_field(&request.request_id, &mut violations);
    batch_size_field(request.counts.len(), "counts", &mut violations);
    let mut first_row: HashMap<RegionCode, usize> = HashMap::new();
    let mut counts = Vec::with_capacity(request.counts.len());
    for (i, row) in request.counts.into_iter().enumerate() {
        let field = |name: &str| format!("counts[{i}].{name}");
        let village = village_field(&row.region, &field("region"), &known, &mut violations);
        if let Some(village) = &village {
            match first_row.entry(village.clone()) {
                Entry::Occupied(first) => violations.add(
                    field("region"),
                    format!("{village} is already listed at counts[{}]", first.get()),
                    format!("{village} sudah tercantum di counts[{}]", first.get()),
                ),
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        for (name, value) in [
            ("ktp_el_recorded", row.ktp_el_recorded),
            ("ikd_activated", row.ikd_activated),
        ] {
            if value < 0 {
                violations.add(field(name), "must not be negative", "tidak boleh negatif");
            } else if value > MAX_VILLAGE_COUNT {
                violations.add(
                    field(name),
                    format!("must be at most {MAX_VILLAGE_COUNT}, more than any village has"),
                    format!(
                        "paling banyak {}, lebih dari jumlah di desa mana pun",
                        count(MAX_VILLAGE_COUNT)
                    ),
                );
            }
        }
        let in_range = |value: i64| (0..=MAX_VILLAGE_COUNT).contains(&value);
        if in_range(row.ktp_el_recorded)
            && in_range(row.ikd_activated)
            && row.ikd_activated > row.ktp_el_recorded
        {
            violations.add(
                field("ikd_activated"),
                format!(
                    "{} activated IKD is more than the {} recorded KTP-el",
                    row.ikd_activated, row.ktp_el_recorded
                ),
                format!(
                    "{} IKD teraktivasi lebih dari {} rekam KTP-el",
                    count(row.ikd_activated),
                    count(row.ktp_el_recorded)
                ),
            );
        }
        if let Some(village) = village {
            counts.push(VillageCounts {
                village,
                ktp_el_recorded: row.ktp_el_recorded,
                ikd_activated: row.ikd_activated,
            });
        }
    }
    violations.into_result()?;
    Ok(CountsImport {
        request_id: request.request_id,
        payload_sha256,
        counts,
        validate_only: request.validate_only,
    })
}

/// The longest reason a correction may give: a sentence, not a document.
pub const MAX_REASON_BYTES: usize = 500;

/// Parses `activations/{id}`.
pub fn activation_id(name: &str) -> Option<i64> {
    let id = name.strip_prefix("activations/")?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok().filter(|id| *id > 0)
}

/// A checked `ListActivations` request.
pub struct ListActivations {
    pub parent: RegionCode,
    /// Inclusive activation dates.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub page: Page,
    pub query: String,
}

impl TryFrom<pb::ListActivationsRequest> for ListActivations {
    type Error = RegistryError;

    fn try_from(request: pb::ListActivationsRequest) -> Result<Self, RegistryError> {
        let pb::ListActivationsRequest {
            parent,
            page_size,
            page_token,
            start_date,
            end_date,
        } = request;
        let mut violations = Violations::default();
        let code = region_field(&parent, "parent", &mut violations);
        let start = optional_date_field(&start_date, "start_date", &mut violations);
        let end = optional_date_field(&end_date, "end_date", &mut violations);
        if let (Some(start), Some(end)) = (start, end)
            && start > end
        {
            violations.add(
                "start_date",
                format!("is after end_date ({end})"),
                format!("sesudah end_date ({})", date_text(end, Lang::Id)),
            );
        }
        let query = format!("activations|{parent}|{start_date}|{end_date}");
        let page = page_field(page_size, &page_token, &query, &mut violations);
        violations.into_result()?;
        Ok(ListActivations {
            parent: code.ok_or_else(|| RegistryError::invalid("parent", "missing", "tidak ada"))?,
            start,
            end,
            page,
            query,
        })
    }
}

/// Checks a `CorrectActivation` request.
pub fn correction(request: pb::CorrectActivationRequest) -> Result<Correction, RegistryError> {
    let payload_sha256 = payload_sha256("CorrectActivation", &request);
    let pb::CorrectActivationRequest {
        request_id,
        activation,
        corrected_count,
        reason,
    } = request;
    let mut violations = Violations::default();
    request_id_field(&request_id, &mut violations);
    let entry = activation_id(&activation);
    if entry.is_none() {
        violations.add(
            "activation",
            format!(
                "must be activations/ and an entry number, e.g. activations/12; got {}",
                excerpt(&activation)
            ),
            format!(
                "harus activations/ diikuti nomor entri, mis. activations/12; yang diberikan {}",
                excerpt(&activation)
            ),
        );
    }
    if corrected_count < 0 {
        violations.add(
            "corrected_count",
            format!("must not be negative (0 withdraws the entry); got {corrected_count}"),
            format!(
                "tidak boleh negatif (0 menarik entri); yang diberikan {}",
                count(corrected_count)
            ),
        );
    } else if corrected_count > MAX_VILLAGE_COUNT {
        violations.add(
            "corrected_count",
            format!("must be at most {MAX_VILLAGE_COUNT}; got {corrected_count}"),
            format!(
                "paling banyak {}; yang diberikan {}",
                count(MAX_VILLAGE_COUNT),
                count(corrected_count)
            ),
        );
    }
    if reason.trim().is_empty() {
        violations.add(
            "reason",
            "is required: say why the entry was wrong",
            "wajib diisi: sebutkan mengapa entri itu salah",
        );
    } else if reason.len() > MAX_REASON_BYTES {
        violations.add(
            "reason",
            format!(
                "must be at most {MAX_REASON_BYTES} bytes; got {}",
                reason.len()
            ),
            format!(
                "paling panjang {MAX_REASON_BYTES} bita; yang diberikan {}",
                count(reason.len() as i64)
            ),
        );
    } else {
        printable_field(&reason, "reason", &mut violations);
    }
    violations.into_result()?;
    Ok(Correction {
        request_id,
        payload_sha256,
        entry: entry.ok_or_else(|| RegistryError::invalid("activation", "missing", "tidak ada"))?,
        corrected_count,
        reason: reason.trim().to_owned(),
    })
}

impl From<&LedgerEntry> for pb::Activation {
    fn from(entry: &LedgerEntry) -> pb::Activation {
        pb::Activation {
            name: format!("activations/{}", entry.id),
            region: entry.village.name(),
            count: entry.count,
            activation_date: entry.date.format("%Y-%m-%d").to_string(),
            channel: match entry.channel {
                Channel::Office => pb::Channel::Office,
                Channel::MobileTeam => pb::Channel::MobileTeam,
            } as i32,
            team: entry.team.clone(),
            batch: entry.batch,
            record_time: Some(timestamp(entry.recorded_micros)),
            corrects: entry
                .corrects
                .map_or_else(String::new, |id| format!("activations/{id}")),
            reason: entry.reason.clone(),
            corrected_count: entry.corrected_count,
        }
    }
}

/// A checked `SummarizeActivations` request.
pub struct Summarize {
    pub parent: RegionCode,
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
}

pub fn summarize(
    request: &pb::SummarizeActivationsRequest,
    today: NaiveDate,
) -> Result<Summarize, RegistryError> {
    let mut violations = Violations::default();
    let parent = region_field(&request.parent, "parent", &mut violations);
    if parent.as_ref().is_some_and(|p| p.level() == Level::Village) {
        violations.add(
            "parent",
            "must be a district or kecamatan",
            "harus kabupaten/kota atau kecamatan",
        );
    }
    let start = optional_date_field(&request.start_date, "start_date", &mut violations);
    let end = optional_date_field(&request.end_date, "end_date", &mut violations).unwrap_or(today);
    if start.is_some_and(|start| start > end) {
        violations.add(
            "start_date",
            format!("is after the end of the range ({end})"),
            format!("sesudah akhir rentang ({})", date_text(end, Lang::Id)),
        );
    }
    violations.into_result()?;
    Ok(Summarize {
        parent: parent.ok_or_else(|| RegistryError::invalid("parent", "missing", "tidak ada"))?,
        start,
        end,
    })
}

/// A checked `SetTarget` request.
pub struct SetTarget {
    pub region: RegionCode,
    pub fraction: f64,
}

impl TryFrom<pb::SetTargetRequest> for SetTarget {
    type Error = RegistryError;

    fn try_from(request: pb::SetTargetRequest) -> Result<Self, Self::Error> {
        let mut violations = Violations::default();
        let region = region_field(&request.region, "region", &mut violations);
        let fraction = request.target_fraction;
        // Written so that NaN fails too.
        if !(fraction.is_finite() && fraction > 0.0 && fraction <= 1.0) {
            violations.add(
                "target_fraction",
                format!("must be in (0, 1]; got {}", short_number(fraction)),
                format!(
                    "harus lebih dari 0 dan paling banyak 1; yang diberikan {}",
                    short_number(fraction).replace('.', ",")
                ),
            );
        }
        violations.into_result()?;
        Ok(SetTarget {
            region: region
                .ok_or_else(|| RegistryError::invalid("region", "missing", "tidak ada"))?,
            fraction,
        })
    }
}

fn level_to_pb(level: Level) -> pb::RegionLevel {
    match level {
        Level::Nation => pb::RegionLevel::Nation,
        Level::Province => pb::RegionLevel::Province,
        Level::District => pb::RegionLevel::District,
        Level::Kecamatan => pb::RegionLevel::Kecamatan,
        Level::Village => pb::RegionLevel::Village,
    }
}

fn timestamp(micros: i64) -> prost_types::Timestamp {
    const MICROS_PER_SECOND: i64 = 1_000_000;
    prost_types::Timestamp {
        seconds: micros.div_euclid(MICROS_PER_SECOND),
        // Below one second, so it fits.
        nanos: (micros.rem_euclid(MICROS_PER_SECOND) * 1000) as i32,
    }
}

impl From<&Gap> for pb::EnrollmentGap {
    fn from(gap: &Gap) -> Self {
        pb::EnrollmentGap {
            region: gap.region.name(),
            display_name: gap.display_name.clone(),
            ktp_el_recorded: gap.ktp_el_recorded,
            ikd_activated: gap.ikd_activated,
            target_fraction: gap.target_fraction(),
            target_count: gap.target_count(),
            gap: gap.gap(),
            coverage: gap.coverage(),
            update_time: Some(timestamp(gap.update_micros())),
            level: level_to_pb(gap.region.level()).into(),
            target_source: gap
                .target
                .as_ref()
                .map(|t| t.source.name())
                .unwrap_or_default(),
            counts_missing: gap.counts_missing(),
            villages_without_counts: i32::try_from(gap.villages_without_counts).unwrap_or(i32::MAX),
        }
    }
}

/// A stored kind (Kemendagri's word) on the wire.
fn kind_to_pb(kind: &str) -> pb::RegionKind {
    match kind {
        "provinsi" => pb::RegionKind::Provinsi,
        "kabupaten" => pb::RegionKind::Kabupaten,
        "kota" => pb::RegionKind::Kota,
        "kecamatan" => pb::RegionKind::Kecamatan,
        "desa" => pb::RegionKind::Desa,
        "kelurahan" => pb::RegionKind::Kelurahan,
        _ => pb::RegionKind::Unspecified,
    }
}

impl From<RegionRecord> for pb::Region {
    fn from(region: RegionRecord) -> Self {
        let boundary_attribution = match &region.boundary_geojson {
            Some(_) => BOUNDARY_ATTRIBUTION.to_owned(),
            None => String::new(),
        };
        pb::Region {
            name: region.code.name(),
            display_name: region.display_name,
            level: level_to_pb(region.code.level()).into(),
            kind: kind_to_pb(&region.kind).into(),
            parent: region.parent.map(|p| p.name()).unwrap_or_default(),
            latitude: region.latitude,
            longitude: region.longitude,
            area_km2: region.area_km2,
            boundary_geojson: region.boundary_geojson.unwrap_or_default(),
            boundary_attribution,
        }
    }
}

/// The most provinces or districts one `AddRegions` call may name: a
/// province at a time is the usual case; the whole country is 38.
pub const MAX_ADDED_REGIONS: usize = 64;

/// Checks an `AddRegions` request: provinces or districts, well-formed.
/// Whether the national list has them is the store's to say (NOT_FOUND).
pub fn regions_addition(request: pb::AddRegionsRequest) -> Result<RegionsAddition, RegistryError> {
    let payload_sha256 = payload_sha256("AddRegions", &request);
    let mut violations = Violations::default();
    request_id_field(&request.request_id, &mut violations);
    if request.regions.is_empty() {
        violations.add(
            "regions",
            "at least one province or district is required",
            "paling sedikit satu provinsi atau kabupaten/kota wajib ada",
        );
    } else if request.regions.len() > MAX_ADDED_REGIONS {
        violations.add(
            "regions",
            format!("at most {MAX_ADDED_REGIONS} per call"),
            format!("paling banyak {MAX_ADDED_REGIONS} per panggilan"),
        );
    }
    let mut roots: Vec<RegionCode> = Vec::new();
    for (i, name) in request.regions.iter().enumerate().take(MAX_ADDED_REGIONS) {
        let field = format!("regions[{i}]");
        let Some(code) = region_field(name, &field, &mut violations) else {
            continue;
        };
        if code.level() > Level::District {
            violations.add(
                field,
                format!(
                    "{code} is not a province or district; add its district (e.g. regions/{})",
                    code.district().as_str()
                ),
                format!(
                    "{code} bukan provinsi atau kabupaten/kota; tambahkan kabupaten/kotanya (mis. regions/{})",
                    code.district().as_str()
                ),
            );
        } else if !roots.contains(&code) {
            roots.push(code);
        }
    }
    violations.into_result()?;
    Ok(RegionsAddition {
        request_id: request.request_id,
        payload_sha256,
        roots,
    })
}

/// The suffix of a district's settings' name, `regions/{code}/settings`.
const SETTINGS_SUFFIX: &str = "/settings";

/// Parses `regions/{district code}/settings`, recording a violation on
/// `field` if it is not a district's settings.
fn settings_name_field(name: &str, field: &str, violations: &mut Violations) -> Option<RegionCode> {
    let district = name
        .strip_suffix(SETTINGS_SUFFIX)
        .and_then(RegionCode::from_name)
        .filter(|code| code.level() == Level::District);
    if district.is_none() {
        violations.add(
            field,
            format!(
                "must be a district's settings, regions/ and a district code and /settings, e.g. regions/17.07/settings; got {}",
                excerpt(name)
            ),
            format!(
                "harus pengaturan kabupaten/kota: regions/, kodenya, lalu /settings, mis. regions/17.07/settings; yang diberikan {}",
                excerpt(name)
            ),
        );
    }
    district
}

/// Checks a `GetDistrictSettings` request.
pub fn settings_name(
    request: &pb::GetDistrictSettingsRequest,
) -> Result<RegionCode, RegistryError> {
    let mut violations = Violations::default();
    let district = settings_name_field(&request.name, "name", &mut violations);
    violations.into_result()?;
    district.ok_or_else(|| RegistryError::invalid("name", "missing", "tidak ada"))
}

/// Checks an `UpdateDistrictSettings` request: the paths in the mask, and
/// the fields they name.
pub fn settings_update(
    request: pb::UpdateDistrictSettingsRequest,
) -> Result<SettingsUpdate, RegistryError> {
    let payload_sha256 = payload_sha256("UpdateDistrictSettings", &request);
    let mut violations = Violations::default();
    request_id_field(&request.request_id, &mut violations);
    let settings = request.settings.unwrap_or_default();
    let district = settings_name_field(&settings.name, "settings.name", &mut violations);
    let paths = request
        .update_mask
        .map(|mask| mask.paths)
        .unwrap_or_default();
    if paths.is_empty() {
        violations.add(
            "update_mask",
            "name the fields to change: \"office\", \"target_fraction\" or both",
            "sebutkan yang diubah: \"office\", \"target_fraction\" atau keduanya",
        );
    }
    let mut office = None;
    let mut target_fraction = None;
    for (i, path) in paths.iter().enumerate() {
        match path.as_str() {
            "office" => {
                let Some(point) = &settings.office else {
                    violations.add(
                        "settings.office",
                        "is required when update_mask names it",
                        "wajib diisi bila update_mask menyebutnya",
                    );
                    continue;
                };
                let mut in_range = true;
                for (field, value, limit) in [
                    ("settings.office.latitude", point.latitude, 90.0),
                    ("settings.office.longitude", point.longitude, 180.0),
                ] {
                    // Written so that NaN fails too.
                    if !(value.is_finite() && value.abs() <= limit) {
                        in_range = false;
                        violations.add(
                            field,
                            format!(
                                "must be in [-{limit}, {limit}] degrees; got {}",
                                short_number(value)
                            ),
                            format!(
                                "harus antara -{limit} dan {limit} derajat; yang diberikan {}",
                                short_number(value).replace('.', ",")
                            ),
                        );
                    }
                }
                if in_range {
                    office = Some((point.latitude, point.longitude));
                }
            }
            "target_fraction" => {
                let fraction = settings.target_fraction;
                if fraction.is_finite() && fraction > 0.0 && fraction <= 1.0 {
                    target_fraction = Some(fraction);
                } else {
                    violations.add(
                        "settings.target_fraction",
                        format!("must be in (0, 1]; got {}", short_number(fraction)),
                        format!(
                            "harus lebih dari 0 dan paling banyak 1; yang diberikan {}",
                            short_number(fraction).replace('.', ",")
                        ),
                    );
                }
            }
            other => violations.add(
                format!("update_mask.paths[{i}]"),
                format!(
                    "must be \"office\" or \"target_fraction\"; got {}",
                    excerpt(other)
                ),
                format!(
                    "harus \"office\" atau \"target_fraction\"; yang diberikan {}",
                    excerpt(other)
                ),
            ),
        }
    }
    violations.into_result()?;
    Ok(SettingsUpdate {
        request_id: request.request_id,
        payload_sha256,
        district: district
            .ok_or_else(|| RegistryError::invalid("settings.name", "missing", "tidak ada"))?,
        office,
        target_fraction,
    })
}

impl From<&Added> for pb::AddRegionsResponse {
    fn from(added: &Added) -> Self {
        // Each at most the national list's 91.599 rows.
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        pb::AddRegionsResponse {
            provinces_added: count(added.provinces_added),
            districts_added: count(added.districts_added),
            kecamatan_added: count(added.kecamatan_added),
            villages_added: count(added.villages_added),
            districts: added.districts.iter().map(RegionCode::name).collect(),
            districts_kept: added.districts_kept.iter().map(RegionCode::name).collect(),
        }
    }
}

impl From<&DistrictSettings> for pb::DistrictSettings {
    fn from(settings: &DistrictSettings) -> Self {
        pb::DistrictSettings {
            name: format!("{}{SETTINGS_SUFFIX}", settings.district.name()),
            office: Some(pb::LatLng {
                latitude: settings.office_latitude,
                longitude: settings.office_longitude,
            }),
            office_set: settings.office_set,
            target_fraction: settings.target.as_ref().map_or(0.0, |t| t.fraction),
            target_source: settings
                .target
                .as_ref()
                .map(|t| t.source.name())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_belong_to_their_query() {
        let mut violations = Violations::default();
        let token = page_token("q1", 200);
        assert_eq!(
            page_field(50, &token, "q1", &mut violations),
            Page {
                offset: 200,
                size: 50
            }
        );
        assert!(violations.is_empty());
        page_field(50, &token, "q2", &mut violations);
        page_field(50, "garbage", "q1", &mut violations);
        page_field(
            50,
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "q1",
            &mut violations,
        );
        page_field(
            50,
            "é0000000000000000000000000000000",
            "q1",
            &mut violations,
        );
        assert_eq!(
            violations
                .iter()
                .filter(|v| v.field == "page_token")
                .count(),
            4
        );
    }

    #[test]
    fn page_sizes_are_clamped() {
        let mut violations = Violations::default();
        assert_eq!(
            page_field(0, "", "q", &mut violations).size,
            DEFAULT_PAGE_SIZE
        );
        assert_eq!(
            page_field(5000, "", "q", &mut violations).size,
            MAX_PAGE_SIZE
        );
        assert!(violations.is_empty());
        page_field(-1, "", "q", &mut violations);
        assert_eq!(
            violations.iter().next().map(|v| v.field.as_str()),
            Some("page_size")
        );
    }

    #[test]
    fn order_by_accepts_the_documented_orders_only() {
        assert_eq!(GapOrder::parse(""), Some(GapOrder::GapDescending));
        assert_eq!(
            GapOrder::parse(" gap  DESC "),
            Some(GapOrder::GapDescending)
        );
        assert_eq!(
            GapOrder::parse("coverage asc"),
            Some(GapOrder::CoverageAscending)
        );
        assert_eq!(GapOrder::parse("name"), Some(GapOrder::Name));
        assert_eq!(GapOrder::parse("name asc"), Some(GapOrder::Name));
        assert_eq!(GapOrder::parse("gap"), None);
        assert_eq!(GapOrder::parse("name desc"), None);
    }

    #[test]
    fn timestamps_split_micros() {
        let t = timestamp(1_700_000_000_123_456);
        assert_eq!((t.seconds, t.nanos), (1_700_000_000, 123_456_000));
    }
}

/// Every request conversion against arbitrary input: it never panics, and
/// a rejection names each field at fault (in the request's own terms) with
/// a short description, however large the input.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// Text a hostile client might send: anything, or something close to
    /// valid (names, dates, ids), sometimes huge or with NUL bytes.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,40}",
            "regions/1[0-9]\\.0[0-9](\\.[0-9]{2}(\\.[0-9]{4})?)?",
            "(19|20|99)[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "[a-zA-Z0-9\u{0}\u{7f}é ]{0,20}",
            (0usize..3).prop_map(|n| "9".repeat(n * 100_000)),
        ]
    }

    fn count() -> impl Strategy<Value = i64> {
        prop_oneof![any::<i64>(), -3i64..2000, Just(i64::MAX), Just(i64::MIN)]
    }

    fn report() -> impl Strategy<Value = pb::ActivationReport> {
        (text(), count(), text(), any::<i32>(), text()).prop_map(
            |(region, count, activation_date, channel, team)| pb::ActivationReport {
                region,
                count,
                activation_date,
                channel,
                team,
            },
        )
    }

    /// The fields a violation may name: the request's own, indexed.
    fn known_field(field: &str) -> bool {
        let bare: String = field
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
            .replace("[]", "[i]");
        [
            "request_id",
            "reports",
            "reports[i].region",
            "reports[i].count",
            "reports[i].activation_date",
            "reports[i].channel",
            "reports[i].team",
            "counts",
            "counts[i].region",
            "counts[i].ktp_el_recorded",
            "counts[i].ikd_activated",
            "parent",
            "start_date",
            "end_date",
            "name",
            "view",
            "level",
            "page_size",
            "page_token",
            "order_by",
            "region",
            "target_fraction",
            "regions",
            "regions[i]",
            "settings.name",
            "settings.office",
            "settings.office.latitude",
            "settings.office.longitude",
            "settings.target_fraction",
            "update_mask",
            "update_mask.paths[i]",
        ]
        .contains(&bare.as_str())
    }

    fn check(result: Result<(), RegistryError>) -> Result<(), TestCaseError> {
        match result {
            Ok(()) => Ok(()),
            Err(RegistryError::InvalidArgument(violations)) => {
                prop_assert!(!violations.is_empty());
                for v in violations.iter() {
                    prop_assert!(known_field(&v.field), "unknown field {:?}", v.field);
                    prop_assert!(v.description.len() < 300, "{} bytes", v.description.len());
                }
                Ok(())
            }
            Err(other) => Err(TestCaseError::fail(format!(
                "not INVALID_ARGUMENT: {other}"
            ))),
        }
    }

    fn known(code: &RegionCode) -> bool {
        code.as_str().starts_with("17.02")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date")
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            // CI runs from a fresh clone: nothing to keep between runs.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn record_activations(request_id in text(), reports in prop::collection::vec(report(), 0..6)) {
            let request = pb::RecordActivationsRequest { request_id, reports };
            check(activation_batch(request, known, today()).map(drop))?;
        }

        #[test]
        fn import_regions(
            request_id in text(),
            rows in prop::collection::vec((text(), count(), count()), 0..6),
        ) {
            let counts = rows
                .into_iter()
                .map(|(region, ktp_el_recorded, ikd_activated)| pb::VillageCounts {
                    region,
                    ktp_el_recorded,
                    ikd_activated,
                })
                .collect();
            let request = pb::ImportRegionsRequest { request_id, counts, validate_only: false };
            check(counts_import(request, known).map(drop))?;
        }

        #[test]
        fn add_regions(request_id in text(), regions in prop::collection::vec(text(), 0..6)) {
            check(regions_addition(pb::AddRegionsRequest { request_id, regions }).map(drop))?;
        }

        #[test]
        fn district_settings(
            request_id in text(),
            name in text(),
            office in prop::option::of((any::<f64>(), any::<f64>())),
            target_fraction in any::<f64>(),
            paths in prop::collection::vec(prop_oneof![Just("office".to_owned()), Just("target_fraction".to_owned()), text()], 0..3),
        ) {
            check(settings_name(&pb::GetDistrictSettingsRequest { name: name.clone() }).map(drop))?;
            let request = pb::UpdateDistrictSettingsRequest {
                request_id,
                settings: Some(pb::DistrictSettings {
                    name,
                    office: office.map(|(latitude, longitude)| pb::LatLng { latitude, longitude }),
                    target_fraction,
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask { paths }),
            };
            check(settings_update(request).map(drop))?;
        }

        #[test]
        fn reads(
            name in text(),
            view in any::<i32>(),
            level in any::<i32>(),
            page_size in any::<i32>(),
            page_token in text(),
            order_by in text(),
            fraction in any::<f64>(),
        ) {
            check(GetRegion::try_from(pb::GetRegionRequest { name: name.clone(), view }).map(drop))?;
            check(ListRegions::try_from(pb::ListRegionsRequest {
                parent: name.clone(),
                page_size,
                page_token: page_token.clone(),
                level,
                view,
            }).map(drop))?;
            check(ListGaps::try_from(pb::ListEnrollmentGapsRequest {
                parent: name.clone(),
                page_size,
                page_token: page_token.clone(),
                order_by,
                level,
            }).map(drop))?;
            check(SetTarget::try_from(pb::SetTargetRequest {
                region: name.clone(),
                target_fraction: fraction,
            }).map(drop))?;
            check(summarize(&pb::SummarizeActivationsRequest {
                parent: name,
                start_date: page_token.clone(),
                end_date: page_token,
            }, today()).map(drop))?;
        }
    }
}
