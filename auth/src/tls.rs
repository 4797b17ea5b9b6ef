//! TLS for every jemput server and client (rustls with ring, through
//! tonic's and axum-server's support), and the exposure rule: a server
//! that listens beyond loopback must use TLS, unless its operator says
//! `--insecure` (e.g. behind a TLS-terminating proxy on a private network),
//! and then it warns.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};

/// A PEM certificate chain and its private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{url}` is not a service address: {reason}")]
    Address { url: String, reason: String },
    #[error("TLS setup: {0}")]
    Setup(String),
}

/// Refused: a server on a non-loopback address without TLS.
#[derive(Debug, thiserror::Error)]
#[error(
    "the {service} would listen on {addr}, reachable from other machines, without TLS: give --tls-cert and --tls-key, listen on 127.0.0.1, or accept the risk with --insecure"
)]
pub struct ExposureError {
    pub service: String,
    pub addr: SocketAddr,
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

impl TlsFiles {
    /// Both flags or neither: one without the other is a mistake to report.
    pub fn from_flags(
        cert: Option<PathBuf>,
        key: Option<PathBuf>,
    ) -> Result<Option<TlsFiles>, String> {
        // An empty value counts as none, so an environment variable set in
        // an image can be cleared with `-e JEMPUT_TLS_CERT=`.
        let given = |path: Option<PathBuf>| path.filter(|p| !p.as_os_str().is_empty());
        match (given(cert), given(key)) {
            (Some(cert), Some(key)) => Ok(Some(TlsFiles { cert, key })),
            (None, None) => Ok(None),
            (Some(_), None) => Err("--tls-cert needs --tls-key".into()),
            (None, Some(_)) => Err("--tls-key needs --tls-cert".into()),
        }
    }

    /// The certificate and key, PEM.
    pub fn read_pem(&self) -> Result<(Vec<u8>, Vec<u8>), TlsError> {
        Ok((read(&self.cert)?, read(&self.key)?))
    }

    /// For `Server::builder().tls_config(..)`.
    pub fn server_config(&self) -> Result<ServerTlsConfig, TlsError> {
        let (cert, key) = self.read_pem()?;
        Ok(ServerTlsConfig::new().identity(Identity::from_pem(cert, key)))
    }
}

/// Refuses (or, with `insecure`, warns about) plaintext beyond loopback.
pub fn check_exposure(
    service: &str,
    addr: SocketAddr,
    tls: bool,
    insecure: bool,
) -> Result<(), ExposureError> {
    if tls || addr.ip().is_loopback() {
        return Ok(());
    }
    if insecure {
        tracing::warn!(
            service,
            %addr,
            "listening beyond loopback WITHOUT TLS (--insecure): tokens and data cross the network in the clear"
        );
        return Ok(());
    }
    Err(ExposureError {
        service: service.to_owned(),
        addr,
    })
}

/// An endpoint for `url`: TLS for `https://` (trusting the system's CAs
/// and, if given, the PEM certificate at `ca`), plaintext for `http://`.
pub fn endpoint(url: &str, ca: Option<&Path>) -> Result<Endpoint, TlsError> {
    let address = |reason: String| TlsError::Address {
        url: url.to_owned(),
        reason,
    };
    let endpoint = Endpoint::from_shared(url.to_owned()).map_err(|e| address(e.to_string()))?;
    if !url.starts_with("https://") {
        return Ok(endpoint);
    }
    let mut tls = ClientTlsConfig::new().with_native_roots();
    if let Some(ca) = ca {
        tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
    }
    endpoint
        .tls_config(tls)
        .map_err(|e| TlsError::Setup(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_go_without_tls() {
        let loopback: SocketAddr = "127.0.0.1:50051".parse().unwrap();
        let anywhere: SocketAddr = "0.0.0.0:50051".parse().unwrap();
        let lan: SocketAddr = "192.0.2.7:50051".parse().unwrap();
        assert!(check_exposure("registry", loopback, false, false).is_ok());
        assert!(check_exposure("registry", "[::1]:1".parse().unwrap(), false, false).is_ok());
        let refused = check_exposure("registry", anywhere, false, false).unwrap_err();
        assert!(refused.to_string().contains("--insecure"), "{refused}");
        assert!(check_exposure("registry", lan, false, false).is_err());
        assert!(check_exposure("registry", lan, true, false).is_ok());
        assert!(check_exposure("registry", lan, false, true).is_ok());
    }

    #[test]
    fn cert_and_key_come_together() {
        assert_eq!(TlsFiles::from_flags(None, None), Ok(None));
        assert_eq!(
            TlsFiles::from_flags(Some("".into()), Some("".into())),
            Ok(None)
        );
        assert!(TlsFiles::from_flags(Some("c".into()), None).is_err());
        assert!(TlsFiles::from_flags(None, Some("k".into())).is_err());
    }
}
