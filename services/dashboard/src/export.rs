//! Files a planner takes away from a plan: each team's itinerary (CSV, and
//! HTML that prints on A4), the routes as GeoJSON, and the budget scenario
//! table (CSV and XLSX).
//!
//! Pure functions of the protobuf messages, so the dashboard's download
//! endpoints and `jemput plan --out DIR` write the same files.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use jemput_proto::optimizer::{BudgetScenario, Plan, PlanParameters, TeamDay, TeamPlan};
use jemput_proto::registry::Region;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill,
    ChartType, Color, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError,
};
use serde_json::{Value, json};

use crate::format::{self, Lang};

/// Teams leave at 08:00, when the Dukcapil office opens; the plan counts
/// minutes from the start of the workday.
pub const WORKDAY_START_HOUR: u32 = 8;

/// The plan's start and end point that is not a village.
const BASE: &str = "base";

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the workbook failed: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The plan with only team `team` (1-based), or `None` if it has no such team.
pub fn only_team(plan: &Plan, team: i32) -> Option<Plan> {
    let kept: Vec<TeamPlan> = plan
        .teams
        .iter()
        .filter(|t| t.team == team)
        .cloned()
        .collect();
    if kept.is_empty() {
        return None;
    }
    Some(Plan {
        teams: kept,
        ..plan.clone()
    })
}

/// Village display names by region name, from every stop and unvisited entry.
fn village_names(plan: &Plan) -> HashMap<&str, &str> {
    let mut names = HashMap::new();
    for team in &plan.teams {
        for day in &team.days {
            for stop in &day.stops {
                names.insert(stop.region.as_str(), stop.display_name.as_str());
            }
        }
    }
    for village in &plan.unvisited {
        names.insert(village.region.as_str(), village.display_name.as_str());
    }
    names
}

fn place_name<'a>(names: &HashMap<&str, &'a str>, place: &'a str, lang: Lang) -> &'a str {
    if place == BASE || place.is_empty() {
        return match lang {
            Lang::Id => "Kantor Dukcapil",
            Lang::En => "Dukcapil office",
        };
    }
    names.get(place).copied().unwrap_or(place)
}

fn team_name(team: &TeamPlan) -> String {
    if team.display_name.is_empty() {
        format!("Tim {}", team.team)
    } else {
        team.display_name.clone()
    }
}

/// One row per village visit (and one per team-day without visits): team,
/// date, where the day starts, departure time, the village in order with
/// its arrival time, expected activations, and whether the team stays out.
/// The `expected_activations` column sums to the teams' total.
pub fn itinerary_csv(plan: &Plan, lang: Lang) -> String {
    let names = village_names(plan);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: [&str; 18] = match lang {
        Lang::En => [
            "team",
            "team_name",
            "date",
            "day_start",
            "departure",
            "stop",
            "village",
            "village_code",
            "arrival",
            "leave",
            "expected_activations",
            "visit_number",
            "day_end",
            "overnight",
            "kecamatan",
            "kecamatan_code",
            "back_at",
            "actual_activations",
        ],
        Lang::Id => [
            "tim",
            "nama_tim",
            "tanggal",
            "berangkat_dari",
            "jam_berangkat",
            "urutan",
            "desa_kelurahan",
            "kode_desa",
            "jam_tiba",
            "jam_selesai",
            "aktivasi_diharapkan",
            "kunjungan_ke",
            "akhir_hari",
            "menginap",
            "kecamatan",
            "kode_kecamatan",
            "kembali_pukul",
            "aktivasi_tercatat",
        ],
    };
    let (yes, no) = match lang {
        Lang::En => ("yes", "no"),
        Lang::Id => ("ya", "tidak"),
    };
    // Writing to a Vec cannot fail; the results are checked all the same.
    let mut rows: Vec<Vec<String>> = Vec::new();
    for team in &plan.teams {
        for day in &team.days {
            let back_at = back_at(day);
            let common = |stop: String,
                          village: &str,
                          code: &str,
                          arrival: String,
                          leave: String,
                          activations: i64,
                          visit: String,
                          kecamatan: (&str, &str)| {
                vec![
                    team.team.to_string(),
                    team_name(team),
                    day.date.clone(),
                    place_name(&names, &day.start, lang).to_owned(),
                    format::clock(0.0, WORKDAY_START_HOUR),
                    stop,
                    village.to_owned(),
                    code.to_owned(),
                    arrival,
                    leave,
                    activations.to_string(),
                    visit,
                    place_name(&names, &day.end, lang).to_owned(),
                    if day.overnight { yes } else { no }.to_owned(),
                    kecamatan.0.to_owned(),
                    kecamatan.1.to_owned(),
                    back_at.clone(),
                    // Left blank for the team to fill in.
                    String::new(),
                ]
            };
            if day.stops.is_empty() {
                rows.push(common(
                    String::new(),
                    "",
                    "",
                    String::new(),
                    String::new(),
                    0,
                    String::new(),
                    ("", ""),
                ));
            }
            for (order, stop) in day.stops.iter().enumerate() {
                rows.push(common(
                    (order + 1).to_string(),
                    &stop.display_name,
                    stop.region.strip_prefix("regions/").unwrap_or(&stop.region),
                    format::clock(stop.arrive_minute, WORKDAY_START_HOUR),
                    format::clock(stop.depart_minute, WORKDAY_START_HOUR),
                    stop.expected_activations,
                    stop.visit_number.to_string(),
                    (
                        &stop.kecamatan_name,
                        stop.kecamatan
                            .strip_prefix("regions/")
                            .unwrap_or(&stop.kecamatan),
                    ),
                ));
            }
        }
    }
    let written = writer
        .write_record(header)
        .and_then(|()| rows.iter().try_for_each(|row| writer.write_record(row)));
    debug_assert!(written.is_ok());
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// When a day trip is back at the base (the workday's start plus the
/// minutes it uses); empty for a team that sleeps out.
fn back_at(day: &TeamDay) -> String {
    if day.overnight || day.used_minutes <= 0.0 {
        String::new()
    } else {
        format::clock(day.used_minutes, WORKDAY_START_HOUR)
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

struct Words {
    title: &'static str,
    plan: &'static str,
    days: &'static str,
    activations: &'static str,
    cost: &'static str,
    departs: &'static str,
    from: &'static str,
    village: &'static str,
    arrive: &'static str,
    leave: &'static str,
    expected: &'static str,
    visit: &'static str,
    overnight_at: &'static str,
    back_to: &'static str,
    no_visits: &'static str,
    printed: &'static str,
    kecamatan: &'static str,
    recorded: &'static str,
    back_at: &'static str,
    signature: &'static str,
}

const WORDS_ID: Words = Words {
    title: "Jadwal tim",
    plan: "Rencana",
    days: "hari kerja",
    activations: "aktivasi diharapkan",
    cost: "biaya",
    departs: "berangkat",
    from: "dari",
    village: "Desa/Kelurahan",
    arrive: "Tiba",
    leave: "Selesai",
    expected: "Aktivasi diharapkan",
    visit: "Kunjungan ke-",
    overnight_at: "Menginap di",
    back_to: "Kembali ke",
    no_visits: "Tidak ada kunjungan.",
    printed: "Jam berangkat dan tiba dihitung dari awal hari kerja pukul 08.00. Kolom \"Tercatat\" diisi tim di lapangan.",
    kecamatan: "Kecamatan",
    recorded: "Tercatat",
    back_at: "sekitar pukul",
    signature: "Jumlah tercatat hari ini: ________   Paraf ketua tim: ______________",
};

const WORDS_EN: Words = Words {
    title: "Team itinerary",
    plan: "Plan",
    days: "working days",
    activations: "expected activations",
    cost: "cost",
    departs: "departs",
    from: "from",
    village: "Village",
    arrive: "Arrive",
    leave: "Leave",
    expected: "Expected activations",
    visit: "Visit no.",
    overnight_at: "Overnight at",
    back_to: "Back to",
    no_visits: "No visits.",
    printed: "Times count from the start of the workday at 08:00. The team fills in the \"Recorded\" column in the field.",
    kecamatan: "Kecamatan",
    recorded: "Recorded",
    back_at: "at about",
    signature: "Recorded today: ________   Team leader's initials: ______________",
};

const PRINT_CSS: &str = r#"
body { font: 11pt/1.35 "DejaVu Sans", "Helvetica", sans-serif; color: #111; margin: 24px; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 11.5pt; margin: 14px 0 4px; }
.meta { color: #444; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; }
td.blank { min-width: 5em; }
.code { color: #555; font-size: 8.5pt; }
.sign { margin: 8px 0 0; }
.day { break-inside: avoid; page-break-inside: avoid; }
.end { margin: 3px 0 0; font-style: italic; }
.overnight { font-weight: bold; }
.note { color: #555; font-size: 9pt; margin-top: 16px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { margin: 0; font-size: 10pt; }
  .team { break-after: page; page-break-after: always; }
  .team:last-of-type { break-after: auto; page-break-after: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// A printable itinerary, one A4-friendly section per team: each working
/// day with its departure, the villages in order with arrival times and
/// expected activations, and where the team sleeps.
pub fn itinerary_html(plan: &Plan, lang: Lang) -> String {
    let words = match lang {
        Lang::Id => &WORDS_ID,
        Lang::En => &WORDS_EN,
    };
    let names = village_names(plan);
    let mut html = String::new();
    let plan_id = plan.name.strip_prefix("plans/").unwrap_or(&plan.name);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <title>{} — {} {}</title><style>{PRINT_CSS}</style></head><body>\n",
        lang.code(),
        words.title,
        words.plan,
        escape(plan_id),
    );
    for team in &plan.teams {
        let _ = writeln!(
            html,
            "<section class=\"team\"><h1>{} — {}</h1><p class=\"meta\">{} {} · {} {} · {} {} · {} {}</p>",
            words.title,
            escape(&team_name(team)),
            words.plan,
            escape(plan_id),
            team.days.len(),
            words.days,
            format::integer(team.expected_activations),
            words.activations,
            words.cost,
            format::rupiah(team.cost_rupiah),
        );
        for day in &team.days {
            write_day(&mut html, day, &names, words, lang);
        }
        html.push_str("</section>\n");
    }
    let _ = write!(
        html,
        "<p class=\"note\">{}</p>\n</body></html>\n",
        words.printed
    );
    html
}

fn write_day(
    html: &mut String,
    day: &TeamDay,
    names: &HashMap<&str, &str>,
    words: &Words,
    lang: Lang,
) {
    let _ = writeln!(
        html,
        "<div class=\"day\"><h2>{} — {} {} {} {}</h2>",
        format::weekday_date(&day.date, lang),
        words.departs,
        format::clock(0.0, WORKDAY_START_HOUR),
        words.from,
        escape(place_name(names, &day.start, lang)),
    );
    if day.stops.is_empty() {
        let _ = writeln!(html, "<p>{}</p>", words.no_visits);
    } else {
        let _ = write!(
            html,
            "<table><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            words.village,
            words.kecamatan,
            words.arrive,
            words.leave,
            words.expected,
            words.visit,
            words.recorded
        );
        for (order, stop) in day.stops.iter().enumerate() {
            let _ = writeln!(
                html,
                "<tr><td class=\"num\">{}</td><td>{} <span class=\"code\">{}</span></td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"blank\"></td></tr>",
                order + 1,
                escape(&stop.display_name),
                escape(stop.region.strip_prefix("regions/").unwrap_or(&stop.region)),
                escape(&stop.kecamatan_name),
                format::clock(stop.arrive_minute, WORKDAY_START_HOUR),
                format::clock(stop.depart_minute, WORKDAY_START_HOUR),
                format::integer(stop.expected_activations),
                stop.visit_number,
            );
        }
        html.push_str("</tbody></table>\n");
    }
    let end = escape(place_name(names, &day.end, lang));
    if day.overnight {
        let _ = writeln!(
            html,
            "<p class=\"end overnight\">{} {end}</p>",
            words.overnight_at
        );
    } else {
        let back = back_at(day);
        let at = if back.is_empty() {
            String::new()
        } else {
            format!(" {} {back}", words.back_at)
        };
        let _ = writeln!(html, "<p class=\"end\">{} {end}{at}</p>", words.back_to);
    }
    if !day.stops.is_empty() {
        let _ = writeln!(html, "<p class=\"sign\">{}</p>", words.signature);
    }
    html.push_str("</div>\n");
}

/// The routes as a GeoJSON FeatureCollection: one LineString per team-day,
/// from where the day starts through its stops to where it ends, with the
/// team, date and whether the team stays out overnight.
///
/// `villages` give the coordinates of the stops; `base` is (latitude,
/// longitude) of the office. A stop whose village is not in `villages` is
/// left out of the line.
pub fn routes_geojson(plan: &Plan, villages: &[Region], base: (f64, f64)) -> String {
    let points: HashMap<&str, [f64; 2]> = villages
        .iter()
        .map(|village| (village.name.as_str(), [village.longitude, village.latitude]))
        .collect();
    let base_point = [base.1, base.0];
    let locate = |place: &str| -> Option<[f64; 2]> {
        if place == BASE || place.is_empty() {
            Some(base_point)
        } else {
            points.get(place).copied()
        }
    };
    let mut features = Vec::new();
    for team in &plan.teams {
        for day in &team.days {
            let mut line: Vec<[f64; 2]> = Vec::with_capacity(day.stops.len() + 2);
            line.extend(locate(&day.start));
            line.extend(day.stops.iter().filter_map(|stop| locate(&stop.region)));
            line.extend(locate(&day.end));
            // A LineString needs two positions; a day that never leaves its
            // start is drawn as a line that stays there.
            while line.len() < 2 {
                line.push(line.last().copied().unwrap_or(base_point));
            }
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": line },
                "properties": {
                    "team": team.team,
                    "team_name": team_name(team),
                    "date": day.date,
                    "overnight": day.overnight,
                    "start": day.start,
                    "end": day.end,
                    "stops": day.stops.iter().map(|s| s.display_name.clone()).collect::<Vec<_>>(),
                    "expected_activations": day.expected_activations,
                    "travel_km": day.travel_km,
                },
            }));
        }
    }
    let collection = json!({
        "type": "FeatureCollection",
        "name": plan.name,
        "features": features,
    });
    let mut text = Value::to_string(&collection);
    text.push('\n');
    text
}

const SCENARIO_HEADER: [&str; 13] = [
    "teams",
    "budget_rupiah",
    "reaches_target",
    "working_days",
    "lower_bound_working_days",
    "target_date",
    "cost_rupiah",
    "coverage_at_end",
    "days_saved_per_extra_10_juta",
    "binding_constraint",
    "mobile_activations",
    "mobile_activations_upper_bound",
    "cost_lower_bound_rupiah",
];

const SCENARIO_HEADER_ID: [&str; 13] = [
    "jumlah_tim",
    "anggaran_rupiah",
    "mencapai_target",
    "hari_kerja",
    "batas_bawah_hari_kerja",
    "tanggal_target",
    "biaya_rupiah",
    "cakupan_akhir",
    "hari_dihemat_per_tambahan_10_juta",
    "pembatas",
    "aktivasi_tim_keliling",
    "batas_atas_aktivasi_tim_keliling",
    "batas_bawah_biaya_rupiah",
];

/// The budget scenario table, one row per (teams, budget), with headers
/// and words in `lang` and plain numbers (a spreadsheet reads them).
pub fn scenarios_csv(scenarios: &[BudgetScenario], lang: Lang) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let (header, yes, no) = match lang {
        Lang::En => (SCENARIO_HEADER, "true", "false"),
        Lang::Id => (SCENARIO_HEADER_ID, "ya", "tidak"),
    };
    let mut written = writer.write_record(header);
    for s in scenarios {
        let binding = crate::json::binding_code(s.binding_constraint);
        written = written.and_then(|()| {
            writer.write_record([
                s.teams.to_string(),
                s.budget_rupiah.to_string(),
                if s.reaches_target { yes } else { no }.to_owned(),
                s.working_days.to_string(),
                s.lower_bound_working_days.to_string(),
                s.target_date.clone(),
                s.cost_rupiah.to_string(),
                format!("{:.4}", s.coverage_at_end),
                format!("{:.3}", s.days_saved_per_extra_10_juta),
                match lang {
                    Lang::En => binding,
                    Lang::Id => binding_words(binding),
                }
                .to_owned(),
                s.mobile_activations.to_string(),
                s.mobile_activations_upper_bound
                    .map(|most| most.to_string())
                    .unwrap_or_default(),
                s.cost_lower_bound_rupiah
                    .map(|least| least.to_string())
                    .unwrap_or_default(),
            ])
        });
    }
    debug_assert!(written.is_ok());
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A region as headings and workbooks name it: "Rejang Lebong (17.02)",
/// its name and then its code (`region` is `regions/{code}`).
pub fn region_label(display_name: &str, region: &str) -> String {
    let code = region.strip_prefix("regions/").unwrap_or(region);
    format!("{display_name} ({code})")
}

/// What the scenario workbook says about where its figures come from.
pub struct ScenarioReport<'a> {
    /// The district as a reader knows it, e.g. "Rejang Lebong (17.02)".
    pub district: &'a str,
    /// The day the figures were made, in the district's calendar.
    pub made_on: NaiveDate,
    /// The parameters every scenario shared; `None` when not known.
    pub parameters: Option<&'a PlanParameters>,
    pub scenarios: &'a [BudgetScenario],
}

/// Shown where a figure does not exist (no target date, no smaller budget
/// to compare with), so no one reads it as a zero.
const NONE: &str = "—";

/// The scenario sheet's columns, in Indonesian, as a finance office reads them.
const SCENARIO_COLUMNS: [(&str, f64); 18] = [
    ("Jumlah tim", 10.0),
    ("Anggaran (Rp)", 16.0),
    ("Target tercapai", 14.0),
    ("Hari kerja", 11.0),
    ("Batas bawah hari kerja", 14.0),
    ("Tanggal target tercapai", 15.0),
    ("Biaya total (Rp)", 16.0),
    ("Uang harian (Rp)", 15.0),
    ("Penginapan (Rp)", 14.0),
    ("Kendaraan + sopir (Rp)", 15.0),
    ("BBM (Rp)", 13.0),
    ("Sosialisasi (Rp)", 14.0),
    ("Cakupan IKD akhir", 12.0),
    ("Hari dihemat per tambahan Rp 10 juta", 16.0),
    ("Pembatas", 22.0),
    ("Aktivasi tim keliling", 14.0),
    ("Aktivasi terbanyak yang mungkin (batas atas)", 18.0),
    (
        "Biaya terendah untuk hari kerja yang sama (batas bawah, Rp)",
        22.0,
    ),
];

const SCENARIO_SHEET: &str = "Skenario anggaran";

fn binding_words(binding: &'static str) -> &'static str {
    match binding {
        "budget" => "anggaran",
        "teams" => "jumlah tim",
        "villages" => "desa (warga terjangkau habis)",
        "none" => "tidak ada",
        other => other,
    }
}

/// The parameters a scenario run assumed, in words, each as given or the
/// model's default (docs/MODEL.md).
fn assumptions(parameters: Option<&PlanParameters>) -> Vec<(&'static str, String)> {
    let given = parameters.cloned().unwrap_or_default();
    let default = |text: &str| format!("bawaan ({text})");
    let rupiah = |value: Option<i64>, fallback: &str| {
        value.map_or_else(|| default(fallback), format::rupiah)
    };
    let count = |value: Option<i32>, fallback: &str| {
        value.map_or_else(|| default(fallback), |v| format::integer(i64::from(v)))
    };
    let text_date = |text: &str, fallback: &str| {
        if text.is_empty() {
            default(fallback)
        } else {
            format::date(text, Lang::Id)
        }
    };
    vec![
        (
            "Tanggal mulai",
            text_date(&given.start_date, "hari kerja berikutnya"),
        ),
        (
            "Target",
            given.target_fraction.map_or_else(
                || default("dari registri"),
                |f| format!("{} rekam KTP-el", format::percent(f)),
            ),
        ),
        ("Tenggat", text_date(&given.deadline, "tidak ada")),
        ("Petugas per tim", count(given.officers_per_team, "2")),
        ("Menit kerja per hari", count(given.workday_minutes, "480")),
        (
            "Uang harian pulang hari, per petugas",
            rupiah(given.per_diem_day_trip_rupiah, "Rp 150.000"),
        ),
        (
            "Uang harian menginap, per petugas",
            rupiah(given.per_diem_overnight_rupiah, "Rp 380.000"),
        ),
        (
            "Penginapan, per orang per malam",
            rupiah(given.lodging_per_night_rupiah, "Rp 300.000"),
        ),
        (
            "Kendaraan + sopir, per tim per hari",
            rupiah(given.vehicle_per_day_rupiah, "Rp 500.000"),
        ),
        ("BBM, per km", rupiah(given.fuel_per_km_rupiah, "Rp 1.000")),
        (
            "Sosialisasi, per hari kunjungan desa",
            rupiah(given.outreach_per_visit_rupiah, "Rp 200.000"),
        ),
        (
            "Aktivasi di kantor per hari",
            count(given.office_activations_per_day, "100"),
        ),
        (
            "Tim boleh menginap",
            given.allow_overnight.map_or_else(
                || default("ya"),
                |yes| if yes { "ya" } else { "tidak" }.to_owned(),
            ),
        ),
    ]
}

/// The budget scenarios as a workbook a finance office can file: a title
/// sheet (district, the day it was made, what was assumed), the scenario
/// table with Indonesian headers, real date cells, the cost by item and
/// "—" where a figure does not exist, and a chart of working days against
/// budget, one line per team count.
pub fn scenarios_xlsx(report: &ScenarioReport<'_>) -> Result<Vec<u8>, ExportError> {
    let scenarios = report.scenarios;
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16);
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color("#E8EEF4");
    let money = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.00%");
    let decimals = Format::new().set_num_format("0.00");
    let whole = Format::new().set_num_format("#,##0");
    let date = Format::new()
        .set_num_format("d mmm yyyy")
        .set_align(FormatAlign::Left);
    let none = Format::new().set_align(FormatAlign::Right);

    let summary = workbook.add_worksheet();
    summary.set_name("Ringkasan")?;
    summary.set_column_width(0, 40)?;
    summary.set_column_width(1, 44)?;
    summary.write_string_with_format(0, 0, "Skenario anggaran tim jemput bola IKD", &title)?;
    summary.write_string_with_format(2, 0, "Kabupaten", &bold)?;
    summary.write_string(2, 1, report.district)?;
    summary.write_string_with_format(3, 0, "Dibuat", &bold)?;
    summary.write_datetime_with_format(3, 1, excel_date(report.made_on)?, &date)?;
    summary.write_string_with_format(4, 0, "Skenario", &bold)?;
    summary.write_number(4, 1, scenarios.len() as f64)?;
    let mut budgets: Vec<i64> = scenarios.iter().map(|s| s.budget_rupiah).collect();
    budgets.sort_unstable();
    budgets.dedup();
    let mut teams: Vec<i32> = scenarios.iter().map(|s| s.teams).collect();
    teams.sort_unstable();
    teams.dedup();
    summary.write_string_with_format(5, 0, "Anggaran yang dibandingkan", &bold)?;
    summary.write_string(
        5,
        1,
        budgets
            .iter()
            .map(|b| format::rupiah(*b))
            .collect::<Vec<_>>()
            .join("; "),
    )?;
    summary.write_string_with_format(6, 0, "Jumlah tim", &bold)?;
    summary.write_string(
        6,
        1,
        teams
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    )?;
    summary.write_string_with_format(8, 0, "Asumsi", &header)?;
    summary.write_string_with_format(8, 1, "Nilai", &header)?;
    let rows = assumptions(report.parameters);
    for (i, (label, value)) in rows.iter().enumerate() {
        let row = 9 + i as u32;
        summary.write_string(row, 0, *label)?;
        summary.write_string(row, 1, value)?;
    }
    let notes = 10 + rows.len() as u32;
    summary.write_string(
        notes,
        0,
        format!("{NONE} berarti angka itu tidak ada: target tidak tercapai, tidak ada anggaran lebih kecil untuk dibandingkan, atau (biaya terendah) bukan anggaran yang membatasi."),
    )?;
    summary.write_string(
        notes + 1,
        0,
        "Batas bawah: tidak ada rencana dengan parameter yang sama yang mencapai target lebih cepat.",
    )?;
    summary.write_string(
        notes + 2,
        0,
        "Aktivasi terbanyak yang mungkin: tidak ada rencana dengan hari kerja, anggaran dan tim yang sama yang mengaktifkan lebih banyak lewat tim keliling.",
    )?;
    summary.write_string(
        notes + 3,
        0,
        "Biaya terendah: bila anggaran yang membatasi, tidak ada rencana yang mencapai target dalam hari kerja yang sama dengan biaya lebih rendah.",
    )?;
    summary.write_string(
        notes + 4,
        0,
        format!("Tabel dan grafik: lembar \"{SCENARIO_SHEET}\"."),
    )?;

    let sheet = workbook.add_worksheet();
    sheet.set_name(SCENARIO_SHEET)?;
    for (column, (name, width)) in SCENARIO_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &header)?;
        sheet.set_column_width(column as u16, *width)?;
    }
    sheet.set_row_height(0, 45)?;
    for (index, s) in scenarios.iter().enumerate() {
        let row = index as u32 + 1;
        let first_of_its_teams = index == 0 || scenarios[index - 1].teams != s.teams;
        sheet.write_number(row, 0, f64::from(s.teams))?;
        sheet.write_number_with_format(row, 1, s.budget_rupiah as f64, &money)?;
        sheet.write_string(row, 2, if s.reaches_target { "ya" } else { "tidak" })?;
        sheet.write_number(row, 3, f64::from(s.working_days))?;
        if s.lower_bound_working_days > 0 {
            sheet.write_number(row, 4, f64::from(s.lower_bound_working_days))?;
        } else {
            sheet.write_string_with_format(row, 4, NONE, &none)?;
        }
        match jemput_base::calendar::parse_date(&s.target_date).filter(|_| s.reaches_target) {
            Some(day) => sheet.write_datetime_with_format(row, 5, excel_date(day)?, &date)?,
            None => sheet.write_string_with_format(row, 5, NONE, &none)?,
        };
        sheet.write_number_with_format(row, 6, s.cost_rupiah as f64, &money)?;
        match &s.cost {
            Some(c) => {
                for (offset, value) in [
                    c.per_diem_rupiah,
                    c.lodging_rupiah,
                    c.vehicle_rupiah,
                    c.fuel_rupiah,
                    c.outreach_rupiah,
                ]
                .into_iter()
                .enumerate()
                {
                    sheet.write_number_with_format(row, 7 + offset as u16, value as f64, &money)?;
                }
            }
            None => {
                for column in 7..12 {
                    sheet.write_string_with_format(row, column, NONE, &none)?;
                }
            }
        }
        sheet.write_number_with_format(row, 12, s.coverage_at_end, &share)?;
        if first_of_its_teams {
            sheet.write_string_with_format(row, 13, NONE, &none)?;
        } else {
            sheet.write_number_with_format(row, 13, s.days_saved_per_extra_10_juta, &decimals)?;
        }
        sheet.write_string(
            row,
            14,
            binding_words(crate::json::binding_code(s.binding_constraint)),
        )?;
        sheet.write_number_with_format(row, 15, s.mobile_activations as f64, &whole)?;
        match s.mobile_activations_upper_bound {
            Some(most) => sheet.write_number_with_format(row, 16, most as f64, &whole)?,
            None => sheet.write_string_with_format(row, 16, NONE, &none)?,
        };
        match s.cost_lower_bound_rupiah {
            Some(least) => sheet.write_number_with_format(row, 17, least as f64, &money)?,
            None => sheet.write_string_with_format(row, 17, NONE, &none)?,
        };
    }
    sheet.set_freeze_panes(1, 0)?;

    // One line per team count: the scenarios come ordered by teams, then
    // budget, so each team count is a run of rows. Under each, dashed in
    // the same colour, its proven lower bound (as on the scenario page),
    // where every budget of the run has one: a missing bound is a text
    // cell, which a chart would draw as zero days.
    if !scenarios.is_empty() {
        let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
        let mut first = 0;
        while first < scenarios.len() {
            let teams = scenarios[first].teams;
            let last = first
                + scenarios[first..]
                    .iter()
                    .take_while(|s| s.teams == teams)
                    .count()
                - 1;
            let (top, bottom) = (first as u32 + 1, last as u32 + 1);
            let color = team_color(teams);
            chart
                .add_series()
                .set_name(format!("{teams} tim").as_str())
                .set_categories((SCENARIO_SHEET, top, 1, bottom, 1))
                .set_values((SCENARIO_SHEET, top, 3, bottom, 3))
                .set_format(ChartLine::new().set_color(color).set_width(2.0))
                .set_marker(
                    ChartMarker::new()
                        .set_type(ChartMarkerType::Circle)
                        .set_format(
                            ChartFormat::new()
                                .set_solid_fill(ChartSolidFill::new().set_color(color))
                                .set_border(ChartLine::new().set_color(color)),
                        ),
                );
            if scenarios[first..=last]
                .iter()
                .all(|s| s.lower_bound_working_days > 0)
            {
                chart
                    .add_series()
                    .set_name(format!("{teams} tim, batas bawah terbukti").as_str())
                    .set_categories((SCENARIO_SHEET, top, 1, bottom, 1))
                    .set_values((SCENARIO_SHEET, top, 4, bottom, 4))
                    .set_format(
                        ChartLine::new()
                            .set_color(color)
                            .set_width(1.25)
                            .set_dash_type(ChartLineDashType::Dash),
                    )
                    .set_marker(ChartMarker::new().set_none());
            }
            first = last + 1;
        }
        chart
            .title()
            .set_name("Hari kerja sampai target menurut anggaran");
        chart
            .x_axis()
            .set_name("Anggaran (Rp)")
            .set_num_format("#,##0");
        chart.y_axis().set_name("Hari kerja").set_min(0);
        chart.set_width(760).set_height(380);
        sheet.insert_chart(scenarios.len() as u32 + 3, 1, &chart)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A team count's colour, as the dashboard draws it (`TEAM_COLORS` in
/// `ui.js`), so the workbook's chart reads like the page's.
fn team_color(teams: i32) -> Color {
    const TEAM_COLORS: [u32; 8] = [
        0x1f5fa8, 0xd1495b, 0x2e8540, 0x8e44ad, 0xe07b00, 0x00897b, 0x6d4c41, 0xc2185b,
    ];
    Color::RGB(TEAM_COLORS[(teams - 1).rem_euclid(8) as usize])
}

/// A province's budget split as a workbook for its budget officer: a title
/// sheet (the province, the total, the deadline, what was proven) and one
/// row per district with its share, whether and when it reaches the target,
/// its least budget and that budget's proven lower bound.
pub fn allocation_xlsx(
    parent: &str,
    deadline: chrono::NaiveDate,
    total_budget_rupiah: i64,
    split: &jemput_proto::optimizer::AllocateBudgetResponse,
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    let id = lang == Lang::Id;
    let t = |indonesian: &'static str, english: &'static str| if id { indonesian } else { english };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_background_color("#E8EEF4")
        .set_text_wrap();
    let money = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("dd/mm/yyyy");

    let title = workbook.add_worksheet();
    title.set_name(t("Ringkasan", "Summary"))?;
    title.write_string_with_format(
        0,
        0,
        t(
            "Pembagian anggaran jemput bola IKD",
            "IKD outreach budget split",
        ),
        &bold,
    )?;
    let rows: [(&str, String); 4] = [
        (t("Wilayah", "Region"), parent.to_string()),
        (
            t(
                "Kabupaten/kota mencapai target",
                "Districts reaching the target",
            ),
            format!(
                "{} / {}",
                split.districts_reaching_target,
                split.shares.len()
            ),
        ),
        (
            t("Terbukti paling banyak", "Proven at most"),
            split.districts_reaching_target_upper_bound.to_string(),
        ),
        (
            t("Belum ada data jumlah", "No counts yet"),
            split.districts_without_counts.join(", "),
        ),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        title.write_string(2 + i as u32, 0, *label)?;
        title.write_string(2 + i as u32, 1, value)?;
    }
    if !split.districts_not_planned.is_empty() {
        // Below the notes, so the fixed rows above keep their places.
        title.write_string(
            11,
            0,
            t("Tidak sempat direncanakan", "Not planned within the time"),
        )?;
        title.write_string(11, 1, split.districts_not_planned.join(", "))?;
    }
    title.write_string(6, 0, t("Batas waktu", "Deadline"))?;
    title.write_datetime_with_format(6, 1, excel_date(deadline)?, &date)?;
    title.write_string(7, 0, t("Total anggaran (Rp)", "Total budget (Rp)"))?;
    title.write_number_with_format(7, 1, total_budget_rupiah as f64, &money)?;
    title.write_string(8, 0, t("Dibagikan (Rp)", "Allocated (Rp)"))?;
    title.write_number_with_format(8, 1, split.allocated_rupiah as f64, &money)?;
    title.write_string(
        10,
        0,
        t(
            "Setiap bagian adalah rencana yang telah divalidasi. \"Batas bawah terbukti\": tidak ada rencana yang mencapai target sebelum batas waktu dengan anggaran lebih kecil.",
            "Each share is a validated plan. \"Proven lower bound\": no plan reaches the target by the deadline for less.",
        ),
    )?;
    title.set_column_width(0, 34)?;
    title.set_column_width(1, 22)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name(t("Pembagian", "Split"))?;
    let header = [
        t("Kode", "Code"),
        t("Kabupaten/kota", "District"),
        t("Anggaran (Rp)", "Budget (Rp)"),
        t("Mencapai target", "Reaches target"),
        t("Tanggal target", "Target date"),
        t("Hari kerja", "Working days"),
        t("IKD aktif", "IKD activated"),
        t("Cakupan", "Coverage"),
        t("Biaya rencana (Rp)", "Plan cost (Rp)"),
        t("Anggaran minimum (Rp)", "Minimum budget (Rp)"),
        t("Batas bawah terbukti (Rp)", "Proven lower bound (Rp)"),
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *text, &heading)?;
    }
    for (index, s) in split.shares.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, s.district.trim_start_matches("regions/"))?;
        sheet.write_string(row, 1, &s.display_name)?;
        sheet.write_number_with_format(row, 2, s.budget_rupiah as f64, &money)?;
        sheet.write_string(
            row,
            3,
            if s.reaches_target {
                t("ya", "yes")
            } else {
                t("tidak", "no")
            },
        )?;
        match chrono::NaiveDate::parse_from_str(&s.target_date, "%Y-%m-%d") {
            Ok(d) => sheet.write_datetime_with_format(row, 4, excel_date(d)?, &date)?,
            Err(_) => sheet.write_string(row, 4, "—")?,
        };
        sheet.write_number(row, 5, f64::from(s.working_days))?;
        sheet.write_number_with_format(row, 6, s.ikd_activated as f64, &money)?;
        sheet.write_number_with_format(row, 7, s.coverage, &share)?;
        sheet.write_number_with_format(row, 8, s.cost_rupiah as f64, &money)?;
        for (column, value) in [
            (9, s.minimum_budget_rupiah),
            (10, s.minimum_budget_lower_bound_rupiah),
        ] {
            match value {
                Some(v) => sheet.write_number_with_format(row, column, v as f64, &money)?,
                None => sheet.write_string(row, column, "—")?,
            };
        }
    }
    for (column, width) in [10, 24, 16, 10, 13, 10, 12, 10, 16, 18, 20]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(column as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}

/// A day as an Excel date cell.
fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, ExportError> {
    Ok(ExcelDateTime::from_ymd(
        day.year() as u16,
        day.month() as u8,
        day.day() as u8,
    )?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jemput_proto::optimizer::{PlanSummary, Stop};
    use jemput_proto::registry::RegionLevel;

    fn stop(code: &str, name: &str, arrive: f64, activations: i64) -> Stop {
        Stop {
            region: format!("regions/{code}"),
            display_name: name.into(),
            arrive_minute: arrive,
            depart_minute: arrive + 90.0,
            expected_activations: activations,
            visit_number: 1,
            kecamatan: format!("regions/{}", &code[..8]),
            kecamatan_name: "Kota Padang".into(),
        }
    }

    /// Two teams over two days; team 2 stays out the first night.
    pub(crate) fn sample_plan() -> Plan {
        let day = |date: &str, start: &str, end: &str, overnight: bool, stops: Vec<Stop>| TeamDay {
            date: date.into(),
            overnight,
            start: start.into(),
            end: end.into(),
            expected_activations: stops.iter().map(|s| s.expected_activations).sum(),
            stops,
            travel_km: 42.0,
            travel_minutes: 80.0,
            cost_rupiah: 1_500_000,
            used_minutes: 400.0,
        };
        let team1 = TeamPlan {
            team: 1,
            display_name: "Tim 1".into(),
            days: vec![
                day(
                    "2027-01-04",
                    "base",
                    "base",
                    false,
                    vec![
                        stop("17.02.09.1001", "Talang Rimbo Lama", 20.0, 120),
                        stop("17.02.09.1002", "Pelabuhan Baru", 150.0, 80),
                    ],
                ),
                day(
                    "2027-01-05",
                    "base",
                    "base",
                    false,
                    vec![stop("17.02.09.1001", "Talang Rimbo Lama", 20.0, 60)],
                ),
            ],
            cost_rupiah: 3_000_000,
            expected_activations: 260,
        };
        let team2 = TeamPlan {
            team: 2,
            display_name: "Tim 2".into(),
            days: vec![
                day(
                    "2027-01-04",
                    "base",
                    "regions/17.02.06.1004",
                    true,
                    vec![stop("17.02.06.1004", "Kota Padang", 100.0, 150)],
                ),
                day(
                    "2027-01-05",
                    "regions/17.02.06.1004",
                    "base",
                    false,
                    vec![stop("17.02.06.1015", "Bedeng SS", 30.0, 90)],
                ),
            ],
            cost_rupiah: 4_000_000,
            expected_activations: 240,
        };
        Plan {
            name: "plans/p1".into(),
            region: "regions/17.02".into(),
            summary: Some(PlanSummary {
                mobile_activations: 500,
                ..Default::default()
            }),
            teams: vec![team1, team2],
            ..Default::default()
        }
    }

    pub(crate) fn sample_villages() -> Vec<Region> {
        [
            ("17.02.09.1001", -3.47, 102.52),
            ("17.02.09.1002", -3.46, 102.53),
            ("17.02.06.1004", -3.40, 102.98),
            ("17.02.06.1015", -3.43, 102.97),
        ]
        .into_iter()
        .map(|(code, lat, lon)| Region {
            name: format!("regions/{code}"),
            level: RegionLevel::Village as i32,
            latitude: lat,
            longitude: lon,
            ..Default::default()
        })
        .collect()
    }

    #[test]
    fn itinerary_csv_has_a_row_per_visit_summing_to_the_plan() {
        let plan = sample_plan();
        let text = itinerary_csv(&plan, Lang::En);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5);
        let total: i64 = rows
            .iter()
            .map(|r| r[column("expected_activations")].parse::<i64>().unwrap())
            .sum();
        assert_eq!(total, plan.summary.unwrap().mobile_activations);
        let first = &rows[0];
        assert_eq!(&first[column("date")], "2027-01-04");
        assert_eq!(&first[column("departure")], "08:00");
        assert_eq!(&first[column("arrival")], "08:20");
        assert_eq!(&first[column("village")], "Talang Rimbo Lama");
        assert_eq!(&first[column("overnight")], "no");
        let overnight: Vec<_> = rows
            .iter()
            .filter(|r| &r[column("overnight")] == "yes")
            .collect();
        assert_eq!(overnight.len(), 1);
        assert_eq!(&overnight[0][column("day_end")], "Kota Padang");
        assert_eq!(&overnight[0][column("back_at")], "", "it sleeps out");
        assert_eq!(
            &first[column("back_at")],
            "14:40",
            "400 minutes after 08:00"
        );
        assert_eq!(&first[column("kecamatan")], "Kota Padang");
        assert_eq!(
            &first[column("actual_activations")],
            "",
            "for the team to fill in"
        );
    }

    #[test]
    fn itinerary_csv_speaks_indonesian_under_id() {
        let text = itinerary_csv(&sample_plan(), Lang::Id);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "tim");
        assert!(headers.iter().any(|h| h == "aktivasi_diharapkan"));
        assert!(headers.iter().any(|h| h == "aktivasi_tercatat"));
        let menginap = headers.iter().position(|h| h == "menginap").unwrap();
        let values: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[menginap].to_owned())
            .collect();
        assert!(
            values.iter().all(|v| v == "ya" || v == "tidak"),
            "{values:?}"
        );
    }

    #[test]
    fn one_team_can_be_picked() {
        let plan = only_team(&sample_plan(), 2).unwrap();
        assert_eq!(plan.teams.len(), 1);
        assert!(
            itinerary_csv(&plan, Lang::En)
                .lines()
                .skip(1)
                .all(|line| line.starts_with("2,"))
        );
        assert!(only_team(&sample_plan(), 9).is_none());
    }

    #[test]
    fn itinerary_html_prints_on_a4_in_either_language() {
        let html = itinerary_html(&sample_plan(), Lang::Id);
        assert!(html.contains("size: A4"));
        assert!(html.contains("@media print"));
        assert!(html.contains("Sen, 4 Jan 2027"));
        assert!(html.contains("Menginap di Kota Padang"));
        assert_eq!(html.matches("<section class=\"team\">").count(), 2);
        // What a team carries: the kecamatan and code of each village, a
        // blank column for the count, and a line to sign.
        assert!(html.contains("<th>Kecamatan</th>"));
        assert!(html.contains("<th class=\"num\">Tercatat</th>"));
        assert!(html.contains("Paraf ketua tim"));
        let english = itinerary_html(&sample_plan(), Lang::En);
        assert!(english.contains("Mon, 4 Jan 2027"));
        assert!(english.contains("Overnight at Kota Padang"));
    }

    #[test]
    fn itinerary_html_escapes_names() {
        let mut plan = sample_plan();
        plan.teams[0].days[0].stops[0].display_name = "<b>Desa & Co</b>".into();
        let html = itinerary_html(&plan, Lang::En);
        assert!(html.contains("&lt;b&gt;Desa &amp; Co&lt;/b&gt;"));
    }

    #[test]
    fn routes_are_one_line_per_team_day_from_start_to_end() {
        let base = (-3.4730, 102.5167);
        let text = routes_geojson(&sample_plan(), &sample_villages(), base);
        let collection: Value = serde_json::from_str(&text).unwrap();
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), 4);
        assert!(
            features
                .iter()
                .all(|f| f["geometry"]["type"] == "LineString")
        );
        let first = &features[0]["geometry"]["coordinates"];
        assert_eq!(first.as_array().unwrap().len(), 4, "base, two stops, base");
        assert_eq!(first[0], json!([102.5167, -3.4730]));
        assert_eq!(first[1], json!([102.52, -3.47]));
        let overnight = &features[2];
        assert_eq!(overnight["properties"]["overnight"], true);
        assert_eq!(overnight["properties"]["team"], 2);
        assert_eq!(overnight["properties"]["date"], "2027-01-04");
        // Ends in the village it sleeps in; the next day starts there.
        assert_eq!(
            overnight["geometry"]["coordinates"][2],
            json!([102.98, -3.40])
        );
        assert_eq!(
            features[3]["geometry"]["coordinates"][0],
            json!([102.98, -3.40])
        );
    }

    pub(crate) fn sample_scenarios() -> Vec<BudgetScenario> {
        [100_000_000, 250_000_000, 400_000_000]
            .into_iter()
            .enumerate()
            .map(|(i, budget)| BudgetScenario {
                budget_rupiah: budget,
                teams: 4,
                reaches_target: i > 0,
                working_days: 200 - 50 * i as i32,
                target_date: if i > 0 {
                    "2027-06-30".into()
                } else {
                    String::new()
                },
                cost_rupiah: budget - 1_000_000,
                coverage_at_end: 0.25 + 0.05 * i as f64,
                days_saved_per_extra_10_juta: if i > 0 { 3.33 } else { 0.0 },
                lower_bound_working_days: 190 - 50 * i as i32,
                binding_constraint: jemput_proto::optimizer::BindingConstraint::Budget.into(),
                cost: Some(jemput_proto::optimizer::CostBreakdown {
                    per_diem_rupiah: (budget - 1_000_000) * 3 / 10,
                    lodging_rupiah: 0,
                    vehicle_rupiah: (budget - 1_000_000) / 2,
                    fuel_rupiah: (budget - 1_000_000) / 20,
                    outreach_rupiah: (budget - 1_000_000) * 3 / 20,
                }),
                mobile_activations: 40_000 + 1_000 * i as i64,
                mobile_activations_upper_bound: Some(41_000 + 1_000 * i as i64),
                // Stated only for the middle one, as where the money binds
                // a plan reaching the target.
                cost_lower_bound_rupiah: (i == 1).then_some(budget - 3_000_000),
            })
            .collect()
    }

    #[test]
    fn scenarios_csv_has_a_row_per_scenario() {
        let text = scenarios_csv(&sample_scenarios(), Lang::En);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), SCENARIO_HEADER.len());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[1][1], "250000000");
        assert_eq!(&rows[1][3], "150");
        assert_eq!(&rows[1][9], "budget");
        // The least cost of the plan's days, empty where not stated.
        assert_eq!(&SCENARIO_HEADER[12], &"cost_lower_bound_rupiah");
        assert_eq!(&rows[1][12], "247000000");
        assert_eq!(&rows[0][12], "");
    }

    #[test]
    fn scenarios_csv_in_indonesian_has_indonesian_headers_and_words() {
        let text = scenarios_csv(&sample_scenarios(), Lang::Id);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "jumlah_tim");
        assert_eq!(&headers[1], "anggaran_rupiah");
        assert_eq!(&headers[9], "pembatas");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&rows[1][1], "250000000");
        assert!(matches!(&rows[1][2], "ya" | "tidak"));
        assert_eq!(&rows[1][9], "anggaran");
    }

    #[test]
    fn allocation_xlsx_has_a_title_sheet_indonesian_headers_and_dates() {
        use calamine::{Data, Reader, Xlsx};
        use jemput_proto::optimizer::{AllocateBudgetResponse, BudgetShare};
        let split = AllocateBudgetResponse {
            shares: vec![BudgetShare {
                district: "regions/17.02".into(),
                display_name: "Rejang Lebong".into(),
                budget_rupiah: 120_600_000,
                reaches_target: true,
                target_date: "2027-06-25".into(),
                working_days: 120,
                ikd_activated: 60_846,
                coverage: 0.3,
                cost_rupiah: 120_100_000,
                minimum_budget_rupiah: Some(120_600_000),
                minimum_budget_lower_bound_rupiah: Some(116_563_000),
                already_reached: false,
            }],
            districts_reaching_target: 1,
            districts_reaching_target_upper_bound: 1,
            allocated_rupiah: 120_600_000,
            districts_without_counts: vec!["regions/17.03".into()],
            districts_not_planned: Vec::new(),
        };
        let deadline = chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        let bytes = allocation_xlsx("Bengkulu", deadline, 200_000_000, &split, Lang::Id).unwrap();
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["Ringkasan", "Pembagian"]);
        let title = workbook.worksheet_range("Ringkasan").unwrap();
        assert!(matches!(title.get((6, 1)), Some(Data::DateTime(_))));
        let rows = workbook.worksheet_range("Pembagian").unwrap();
        assert_eq!(
            rows.get((0, 2)),
            Some(&Data::String("Anggaran (Rp)".into()))
        );
        assert_eq!(rows.get((1, 2)), Some(&Data::Float(120_600_000.0)));
        assert!(matches!(rows.get((1, 4)), Some(Data::DateTime(_))));
    }

    /// A workbook's first chart, as the XML part it is stored in.
    fn chart_xml(workbook: &[u8]) -> String {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("xl/charts/chart1.xml")
            .expect("the workbook has a chart")
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn scenarios_xlsx_is_a_finance_report() {
        use calamine::{Data, Reader, Xlsx};
        let scenarios = sample_scenarios();
        let parameters = PlanParameters {
            start_date: "2026-12-01".into(),
            vehicle_per_day_rupiah: Some(450_000),
            ..Default::default()
        };
        let bytes = scenarios_xlsx(&ScenarioReport {
            district: "Rejang Lebong (17.02)",
            made_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            parameters: Some(&parameters),
            scenarios: &scenarios,
        })
        .unwrap();
        // The chart is a part of the file of its own: the team count's line
        // in its dashboard colour, and its proven lower bound dashed.
        let chart = chart_xml(&bytes);
        assert_eq!(chart.matches("<c:ser>").count(), 2, "{chart}");
        assert!(chart.contains("4 tim, batas bawah terbukti"), "{chart}");
        assert!(chart.contains(r#"<a:prstDash val="dash"/>"#), "{chart}");
        // Four teams are purple on the page too.
        assert!(chart.contains(r#"<a:srgbClr val="8E44AD"/>"#), "{chart}");
        // Where a budget has no proven bound, the chart leaves the bound
        // out rather than draw it at zero days.
        let mut unproven = scenarios.clone();
        unproven[1].lower_bound_working_days = 0;
        let without = scenarios_xlsx(&ScenarioReport {
            district: "Rejang Lebong (17.02)",
            made_on: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            parameters: None,
            scenarios: &unproven,
        })
        .unwrap();
        assert_eq!(chart_xml(&without).matches("<c:ser>").count(), 1);
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["Ringkasan", SCENARIO_SHEET]);

        let summary = workbook.worksheet_range("Ringkasan").unwrap();
        let text = |r: u32, c: u32| summary.get_value((r, c)).map(|v| v.to_string());
        assert_eq!(text(2, 1).as_deref(), Some("Rejang Lebong (17.02)"));
        assert!(
            matches!(summary.get_value((3, 1)), Some(Data::DateTime(d)) if d.as_f64() == 46_352.0),
            "the day it was made is a date: {:?}",
            summary.get_value((3, 1))
        );
        let rows: Vec<(String, String)> = (9..22)
            .map(|r| {
                (
                    text(r, 0).unwrap_or_default(),
                    text(r, 1).unwrap_or_default(),
                )
            })
            .collect();
        assert!(
            rows.contains(&("Tanggal mulai".into(), "1 Des 2026".into())),
            "{rows:?}"
        );
        assert!(
            rows.contains(&(
                "Kendaraan + sopir, per tim per hari".into(),
                "Rp 450.000".into()
            )),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("BBM, per km".into(), "bawaan (Rp 1.000)".into())),
            "{rows:?}"
        );

        let table = workbook.worksheet_range(SCENARIO_SHEET).unwrap();
        assert_eq!(table.height(), 4);
        let headers: Vec<String> = (0..18)
            .map(|c| table.get_value((0, c)).unwrap().to_string())
            .collect();
        assert_eq!(headers[1], "Anggaran (Rp)");
        assert_eq!(headers[5], "Tanggal target tercapai");
        assert_eq!(headers[9], "Kendaraan + sopir (Rp)");
        assert!(headers.iter().all(|h| !h.contains('_')), "{headers:?}");
        assert_eq!(table.get_value((2, 1)), Some(&Data::Float(250_000_000.0)));
        assert_eq!(table.get_value((2, 3)), Some(&Data::Float(150.0)));
        assert!(
            matches!(table.get_value((2, 5)), Some(Data::DateTime(d)) if d.as_f64() == 46_568.0),
            "30 Jun 2027 is a date: {:?}",
            table.get_value((2, 5))
        );
        assert_eq!(table.get_value((2, 9)), Some(&Data::Float(124_500_000.0)));
        // The smallest budget reaches no target and has nothing to compare with.
        assert_eq!(table.get_value((1, 5)), Some(&Data::String(NONE.into())));
        assert_eq!(table.get_value((1, 13)), Some(&Data::String(NONE.into())));
        assert_eq!(table.get_value((2, 13)), Some(&Data::Float(3.33)));
        // The least cost of the plan's days, where stated.
        assert!(headers[17].starts_with("Biaya terendah"), "{headers:?}");
        assert_eq!(table.get_value((2, 17)), Some(&Data::Float(247_000_000.0)));
        assert_eq!(table.get_value((1, 17)), Some(&Data::String(NONE.into())));
        assert_eq!(table.get_value((1, 2)), Some(&Data::String("tidak".into())));
        assert_eq!(
            table.get_value((1, 14)),
            Some(&Data::String("anggaran".into()))
        );
    }
}
