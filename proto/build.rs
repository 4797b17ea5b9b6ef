//! Compiles the `.proto` files with `protox` (pure Rust, no system `protoc`)
//! and writes the encoded descriptor set for gRPC server reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "jemput/auth/v1/auth.proto",
    "jemput/registry/v1/registry.proto",
    "jemput/optimizer/v1/optimizer.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    let descriptors = protox::compile(PROTOS, ["."])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out_dir.join("jemput_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    // Cargo tells build scripts which features are on through the environment.
    let client = env::var_os("CARGO_FEATURE_CLIENT").is_some();
    let server = env::var_os("CARGO_FEATURE_SERVER").is_some();
    tonic_prost_build::configure()
        .build_client(client)
        .build_server(server)
        .compile_fds(descriptors)?;
    Ok(())
}
