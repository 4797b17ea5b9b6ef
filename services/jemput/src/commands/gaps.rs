//! `jemput gaps [REGION]`: the gap of each child of a region (the district's
//! kecamatan by default, or a kecamatan's villages) and the region's total.

use jemput_proto::registry::{GetEnrollmentGapRequest, ListEnrollmentGapsRequest};
use serde::Serialize;

use crate::{
    cli::{GapOrder, GapsArgs},
    client::Registry,
    error::CliError,
    input::DEFAULT_DISTRICT,
    output::{GapRow, Report, gap_table},
};

/// A region's total and its children's rows.
#[derive(Debug, Clone, Serialize)]
pub struct GapsReport {
    pub region: GapRow,
    pub order: GapOrder,
    pub children: Vec<GapRow>,
}

pub async fn run(registry: &mut Registry, args: &GapsArgs) -> Result<GapsReport, CliError> {
    let region = args.region.as_deref().unwrap_or(DEFAULT_DISTRICT);
    let total = registry
        .client
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: region.to_string(),
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    let mut children = list_children(registry, region, args.order.order_by(), usize::MAX).await?;
    if args.order == GapOrder::Name {
        // Stable, so equal names stay in code order.
        children.sort_by_cached_key(|row| row.display_name.to_lowercase());
    }
    Ok(GapsReport {
        region: total.into(),
        order: args.order,
        children,
    })
}

/// The children of `parent` in the registry's `order_by`, at most `limit`.
pub async fn list_children(
    registry: &mut Registry,
    parent: &str,
    order_by: &str,
    limit: usize,
) -> Result<Vec<GapRow>, CliError> {
    let mut rows = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = registry
            .client
            .list_enrollment_gaps(ListEnrollmentGapsRequest {
                parent: parent.to_string(),
                page_size: 1000,
                page_token,
                order_by: order_by.to_string(),
                ..Default::default()
            })
            .await
            .map_err(|status| registry.error(status))?
            .into_inner();
        rows.extend(page.gaps.into_iter().map(GapRow::from));
        if page.next_page_token.is_empty() || rows.len() >= limit {
            break;
        }
        page_token = page.next_page_token;
    }
    rows.truncate(limit);
    Ok(rows)
}

impl Report for GapsReport {
    fn to_human(&self) -> String {
        let one = self.children.len() == 1;
        let kind = match self.children.first().map(|row| row.level) {
            Some("village") if one => "village",
            Some("village") => "villages",
            Some("district") if one => "district",
            Some("district") => "districts",
            Some("province") if one => "province",
            Some("province") => "provinces",
            Some(level) => level,
            None => "parts",
        };
        let order = match self.order {
            GapOrder::Gap => "largest gap first",
            GapOrder::Coverage => "lowest coverage first",
            GapOrder::Name => "by name",
            GapOrder::Code => "by code",
        };
        let mut out = if self.children.is_empty() && self.region.level == "nation" {
            // The seed's district can be held without its province.
            format!(
                "{}: no province held yet (`jemput regions add 17` adds one); the total counts every district held\n\n",
                self.region.title()
            )
        } else if self.children.is_empty() {
            format!("{}: no {kind} below it\n\n", self.region.title())
        } else {
            format!(
                "{}: {} {kind}, {order}\n\n",
                self.region.title(),
                self.children.len()
            )
        };
        out.push_str(&gap_table(&self.children, Some(&self.region)).render());
        if self.region.sums_districts() {
            out.push_str(&format!(
                "\n\ntarget: each district's own ({} of recorded KTP-el unless it set another); the total's target and gap are the districts' summed, so a district above its target does not make up for one below it",
                crate::format::format_target(self.region.target_fraction),
            ));
            return out;
        }
        out.push_str(&format!(
            "\n\ntarget {} of recorded KTP-el",
            crate::format::format_target(self.region.target_fraction)
        ));
        if !self.region.target_source.is_empty() && self.region.target_source != self.region.region
        {
            out.push_str(&format!(
                " (set on {})",
                crate::input::region_code(&self.region.target_source)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(region: &str, level: &'static str, target_count: i64, gap: i64) -> GapRow {
        GapRow {
            region: format!("regions/{region}"),
            display_name: region.into(),
            level,
            ktp_el_recorded: 100_000,
            ikd_activated: 20_000,
            coverage: 0.2,
            target_fraction: 0.3,
            target_count,
            gap,
            target_source: "regions/17".into(),
            counts_missing: false,
            villages_without_counts: 0,
        }
    }

    #[test]
    fn a_province_says_its_target_and_gap_are_its_districts_summed() {
        let report = GapsReport {
            region: row("17", "province", 60_000, 10_000),
            order: GapOrder::Gap,
            children: vec![row("17.02", "district", 30_000, 10_000)],
        };
        let text = report.to_human();
        assert!(
            text.starts_with("17 (17): 1 district, largest gap first"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "target: each district's own (30% of recorded KTP-el unless it set another); the total's target and gap are the districts' summed, so a district above its target does not make up for one below it"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_nation_without_provinces_says_how_to_add_one() {
        let report = GapsReport {
            region: row("ID", "nation", 60_846, 50_421),
            order: GapOrder::Gap,
            children: Vec::new(),
        };
        assert!(
            report.to_human().starts_with(
                "ID (ID): no province held yet (`jemput regions add 17` adds one); the total counts every district held"
            ),
            "{}",
            report.to_human()
        );
    }
}
