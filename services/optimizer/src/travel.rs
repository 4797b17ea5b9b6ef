//! Road distances and travel times between the base (point 0) and the
//! villages (point i + 1 for village i): straight line × road factor at an
//! average speed, or a matrix the caller measured.

use jemput_base::format::count;

use crate::district::{District, haversine_km};
use crate::params::{FieldViolation, Parameters};

/// Index of the base in a [`Travel`] matrix.
pub const BASE: usize = 0;

#[derive(Debug, Clone)]
pub struct Travel {
    n: usize,
    km: Vec<f64>,
    minutes: Vec<f64>,
    /// Shortest-path minutes and km from the base out and back to it, for
    /// lower bounds that must hold even if the matrix breaks the triangle
    /// inequality.
    out_minutes: Vec<f64>,
    back_minutes: Vec<f64>,
    out_km: Vec<f64>,
    back_km: Vec<f64>,
}

impl Travel {
    /// Builds the matrix for `district` under `params`; a given matrix is
    /// checked and reordered to the district's village order.
    pub fn new(district: &District, params: &Parameters) -> Result<Travel, Vec<FieldViolation>> {
        let n = district.villages.len() + 1;
        let (km, minutes) = match &params.travel_matrix {
            Some(given) => reorder_given(district, given)?,
            None => {
                let points: Vec<(f64, f64)> =
                    std::iter::once((params.base_latitude, params.base_longitude))
                        .chain(district.villages.iter().map(|v| (v.latitude, v.longitude)))
                        .collect();
                let mut km = vec![0.0; n * n];
                let mut minutes = vec![0.0; n * n];
                for i in 0..n {
                    for j in 0..n {
                        if i != j {
                            let d =
                                haversine_km(points[i].0, points[i].1, points[j].0, points[j].1)
                                    * params.road_factor;
                            km[i * n + j] = d;
                            minutes[i * n + j] = d / params.speed_kmh * 60.0;
                        }
                    }
                }
                (km, minutes)
            }
        };
        let out_minutes = shortest_from_base(n, &minutes, false);
        let back_minutes = shortest_from_base(n, &minutes, true);
        let out_km = shortest_from_base(n, &km, false);
        let back_km = shortest_from_base(n, &km, true);
        Ok(Travel {
            n,
            km,
            minutes,
            out_minutes,
            back_minutes,
            out_km,
            back_km,
        })
    }

    pub fn points(&self) -> usize {
        self.n
    }

    pub fn km(&self, from: usize, to: usize) -> f64 {
        self.km[from * self.n + to]
    }

    pub fn minutes(&self, from: usize, to: usize) -> f64 {
        self.minutes[from * self.n + to]
    }

    /// Each village's `count` nearest other villages by travel minutes,
    /// nearest first (ties by index, so plans are deterministic).
    pub fn nearest_villages(&self, count: usize) -> Vec<Vec<usize>> {
        let villages = self.n - 1;
        (0..villages)
            .map(|v| {
                let mut near: Vec<usize> = (0..villages).filter(|&w| w != v).collect();
                near.sort_by(|&a, &b| {
                    self.minutes(point(v), point(a))
                        .total_cmp(&self.minutes(point(v), point(b)))
                        .then(a.cmp(&b))
                });
                near.truncate(count);
                near
            })
            .collect()
    }

    /// Least minutes of any route base → `point` → base.
    pub fn round_trip_minutes(&self, point: usize) -> f64 {
        self.out_minutes[point] + self.back_minutes[point]
    }

    /// Least km of any route base → `point` → base.
    pub fn round_trip_km(&self, point: usize) -> f64 {
        self.out_km[point] + self.back_km[point]
    }
}

/// Point index of village `i`.
pub fn point(village: usize) -> usize {
    village + 1
}

fn reorder_given(
    district: &District,
    given: &crate::params::GivenMatrix,
) -> Result<(Vec<f64>, Vec<f64>), Vec<FieldViolation>> {
    const FIELD: &str = "parameters.travel_matrix";
    let n = district.villages.len() + 1;
    let mut violations = Vec::new();
    if given.points.len() != n {
        violations.push(FieldViolation::new(
            format!("{FIELD}.points"),
            format!(
                "has {} points; the district needs {n} (\"base\" and its {} villages)",
                given.points.len(),
                n - 1
            ),
            format!(
                "berisi {} titik; kabupaten ini perlu {} (\"base\" dan {} desanya)",
                count(given.points.len() as i64),
                count(n as i64),
                count((n - 1) as i64)
            ),
        ));
    }
    let m = given.points.len();
    for (field, values) in [
        ("distance_km", &given.distance_km),
        ("minutes", &given.minutes),
    ] {
        if values.len() != m * m {
            violations.push(FieldViolation::new(
                format!("{FIELD}.{field}"),
                format!("has {} values; {m} points need {}", values.len(), m * m),
                format!(
                    "berisi {} nilai; {} titik perlu {}",
                    count(values.len() as i64),
                    count(m as i64),
                    count((m * m) as i64)
                ),
            ));
        } else if let Some(i) = values.iter().position(|x| !x.is_finite() || *x < 0.0) {
            violations.push(FieldViolation::new(
                format!("{FIELD}.{field}[{i}]"),
                "must be a finite, non-negative number",
                "harus berupa bilangan terhingga yang tidak negatif",
            ));
        }
    }
    // Where each given point sits in the district's order.
    let mut order = vec![usize::MAX; m];
    for (i, p) in given.points.iter().enumerate() {
        let index = if i == 0 {
            (p == "base").then_some(BASE)
        } else {
            district
                .villages
                .iter()
                .position(|v| &v.name == p)
                .map(point)
        };
        match index {
            Some(index) if !order.contains(&index) => order[i] = index,
            Some(_) => violations.push(FieldViolation::new(
                format!("{FIELD}.points[{i}]"),
                format!("{p} is listed twice"),
                format!("{p} tercantum dua kali"),
            )),
            None if i == 0 => violations.push(FieldViolation::new(
                format!("{FIELD}.points[0]"),
                "must be \"base\"",
                "harus \"base\"",
            )),
            None => violations.push(FieldViolation::new(
                format!("{FIELD}.points[{i}]"),
                format!("{p} is not a village of {}", district.name),
                format!("{p} bukan desa di {}", district.name),
            )),
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut km = vec![0.0; n * n];
    let mut minutes = vec![0.0; n * n];
    for a in 0..m {
        for b in 0..m {
            let (i, j) = (order[a], order[b]);
            if i != j {
                km[i * n + j] = given.distance_km[a * m + b];
                minutes[i * n + j] = given.minutes[a * m + b];
            }
        }
    }
    Ok((km, minutes))
}

/// Dijkstra over a dense matrix from (or, `reverse`, to) the base.
fn shortest_from_base(n: usize, weights: &[f64], reverse: bool) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    dist[BASE] = 0.0;
    for _ in 0..n {
        let Some(u) = (0..n)
            .filter(|&i| !done[i])
            .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
        else {
            break;
        };
        done[u] = true;
        for v in 0..n {
            let w = if reverse {
                weights[v * n + u]
            } else {
                weights[u * n + v]
            };
            if dist[u] + w < dist[v] {
                dist[v] = dist[u] + w;
            }
        }
    }
    dist
}
