//! Loads the whole country into a running registry, for benchmarks only:
//! every province of the national list (`AddRegions`), then GENERATED
//! counts for all 83.762 villages, one `ImportRegions` call per district.
//! No real village has these numbers; they are a deterministic function of
//! the village's code, so every run loads the same totals.
//!
//! ```text
//! cargo run --release -p jemput-registry --example national_load -- \
//!     --registry http://127.0.0.1:50061 --token-file /tmp/bench/admin.token
//! ```
//!
//! Prints how long the addition and the import took.

use std::{collections::BTreeMap, io::Read, path::PathBuf, time::Instant};

use clap::Parser;
use flate2::read::GzDecoder;
use jemput_auth::BearerInterceptor;
use jemput_proto::registry::{
    AddRegionsRequest, ImportRegionsRequest, VillageCounts,
    registry_service_client::RegistryServiceClient,
};

const REGIONS_CSV_GZ: &[u8] = include_bytes!("../data/indonesia/regions.csv.gz");

#[derive(Parser)]
struct Args {
    /// The registry's URL.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    registry: String,
    /// A file holding an admin token.
    #[arg(long)]
    token_file: PathBuf,
}

/// Generated, not real: 400 to 3.399 recorded KTP-el, 5% to 24% of them
/// activated, from the code's digits.
fn generated_counts(code: &str) -> (i64, i64) {
    let digits: i64 = code
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n, b| (n * 31 + i64::from(b - b'0')) % 1_000_003);
    let recorded = 400 + digits % 3000;
    let activated = recorded * (5 + digits % 20) / 100;
    (recorded, activated)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let token = std::fs::read_to_string(&args.token_file)?;
    let channel = tonic::transport::Endpoint::from_shared(args.registry)?
        .connect()
        .await?;
    let mut client =
        RegistryServiceClient::with_interceptor(channel, BearerInterceptor::new(token.trim())?)
            .max_decoding_message_size(jemput_proto::MAX_MESSAGE_BYTES)
            .max_encoding_message_size(jemput_proto::MAX_MESSAGE_BYTES);

    let mut text = String::new();
    GzDecoder::new(REGIONS_CSV_GZ).read_to_string(&mut text)?;
    let mut provinces = Vec::new();
    let mut villages_by_district: BTreeMap<String, Vec<VillageCounts>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split(',');
        let (Some(code), Some(_parent), Some(level)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        match level {
            "province" => provinces.push(format!("regions/{code}")),
            "village" => {
                let district = code.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
                let (ktp_el_recorded, ikd_activated) = generated_counts(code);
                villages_by_district
                    .entry(district)
                    .or_default()
                    .push(VillageCounts {
                        region: format!("regions/{code}"),
                        ktp_el_recorded,
                        ikd_activated,
                    });
            }
            _ => {}
        }
    }

    let started = Instant::now();
    let added = client
        .add_regions(AddRegionsRequest {
            request_id: "national-load-regions".into(),
            regions: provinces.clone(),
        })
        .await?
        .into_inner();
    println!(
        "added {} provinces, {} districts, {} villages in {:.1} s",
        added.provinces_added,
        added.districts_added,
        added.villages_added,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let mut villages = 0;
    for (district, counts) in villages_by_district {
        villages += counts.len();
        client
            .import_regions(ImportRegionsRequest {
                request_id: format!("national-load-{district}"),
                counts,
                validate_only: false,
            })
            .await?;
    }
    println!(
        "imported generated counts for {villages} villages in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
