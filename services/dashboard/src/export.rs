//! Files a planner takes away from a plan: each team's itinerary (CSV, and
//! HTML that prints on A4), the routes as GeoJSON, and the budget scenario
//! table (CSV and XLSX).
//!
//! Pure functions of the protobuf messages, so the dashboard's download
//! endpoints and `jemput plan --out DIR` write the same files.

use std::collections::HashMap;
use std::fmt::Write as _;

use jemput_proto::optimizer::{BudgetScenario, Plan, TeamDay, TeamPlan};
use jemput_proto::registry::Region;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
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

const SCENARIO_HEADER: [&str; 10] = [
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
];

/// The budget scenario table, one row per (teams, budget).
pub fn scenarios_csv(scenarios: &[BudgetScenario]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut written = writer.write_record(SCENARIO_HEADER);
    for s in scenarios {
        written = written.and_then(|()| {
            writer.write_record([
                s.teams.to_string(),
                s.budget_rupiah.to_string(),
                s.reaches_target.to_string(),
                s.working_days.to_string(),
                s.lower_bound_working_days.to_string(),
                s.target_date.clone(),
                s.cost_rupiah.to_string(),
                format!("{:.4}", s.coverage_at_end),
                format!("{:.3}", s.days_saved_per_extra_10_juta),
                s.binding_constraint.clone(),
            ])
        });
    }
    debug_assert!(written.is_ok());
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The budget scenario table as an Excel workbook: the same columns as
/// [`scenarios_csv`], with rupiah and percentages formatted as numbers.
pub fn scenarios_xlsx(scenarios: &[BudgetScenario]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Skenario anggaran")?;
    let bold = Format::new().set_bold().set_background_color("#E8EEF4");
    let money = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    let days = Format::new().set_num_format("0.00");
    for (column, title) in SCENARIO_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &bold)?;
    }
    for (index, s) in scenarios.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_number(row, 0, f64::from(s.teams))?;
        sheet.write_number_with_format(row, 1, s.budget_rupiah as f64, &money)?;
        sheet.write_boolean(row, 2, s.reaches_target)?;
        sheet.write_number(row, 3, f64::from(s.working_days))?;
        sheet.write_number(row, 4, f64::from(s.lower_bound_working_days))?;
        sheet.write_string(row, 5, &s.target_date)?;
        sheet.write_number_with_format(row, 6, s.cost_rupiah as f64, &money)?;
        sheet.write_number_with_format(row, 7, s.coverage_at_end, &share)?;
        sheet.write_number_with_format(row, 8, s.days_saved_per_extra_10_juta, &days)?;
        sheet.write_string(row, 9, &s.binding_constraint)?;
    }
    for (column, width) in [8, 16, 14, 13, 22, 12, 16, 15, 26, 18]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(column as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
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
                binding_constraint: "budget".into(),
                cost: Some(jemput_proto::optimizer::CostBreakdown {
                    per_diem_rupiah: (budget - 1_000_000) * 3 / 10,
                    lodging_rupiah: 0,
                    vehicle_rupiah: (budget - 1_000_000) / 2,
                    fuel_rupiah: (budget - 1_000_000) / 20,
                    outreach_rupiah: (budget - 1_000_000) * 3 / 20,
                }),
            })
            .collect()
    }

    #[test]
    fn scenarios_csv_has_a_row_per_scenario() {
        let text = scenarios_csv(&sample_scenarios());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), SCENARIO_HEADER.len());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[1][1], "250000000");
        assert_eq!(&rows[1][3], "150");
    }

    #[test]
    fn scenarios_xlsx_opens_with_a_reader() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = scenarios_xlsx(&sample_scenarios()).unwrap();
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Skenario anggaran").unwrap();
        assert_eq!(range.height(), 4);
        assert_eq!(
            range.get((0, 1)),
            Some(&Data::String("budget_rupiah".into()))
        );
        assert_eq!(range.get((2, 1)), Some(&Data::Float(250_000_000.0)));
        assert_eq!(range.get((2, 3)), Some(&Data::Float(150.0)));
    }
}
