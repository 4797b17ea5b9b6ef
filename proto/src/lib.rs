//! The jemput gRPC API: generated messages, clients (feature `client`) and
//! servers (feature `server`) for `jemput.auth.v1`, `jemput.registry.v1`
//! and `jemput.optimizer.v1`, and the encoded descriptor set for reflection.
//!
//! Services depend on this crate instead of compiling the protos themselves,
//! so every binary speaks exactly the same contract.

/// `jemput.auth.v1`: tokens, roles and the audit trail.
pub mod auth {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("jemput.auth.v1");
}

/// `jemput.registry.v1`: regions, enrollment gaps and the activation ledger.
pub mod registry {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("jemput.registry.v1");
}

/// `jemput.optimizer.v1`: plans for mobile activation teams.
pub mod optimizer {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("jemput.optimizer.v1");
}

/// The largest message any jemput client or server sends or accepts: a
/// whole district's plan, every team-day of it, is a few MB, more than
/// tonic's 4 MB default.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The encoded `FileDescriptorSet` of every jemput proto, for
/// `tonic_reflection::server::Builder::register_encoded_file_descriptor_set`.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/jemput_descriptor.bin"));
