//! The access token's claims, and signing keys.

use crate::config::Settings;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shared::Timestamp;
use uuid::Uuid;

/// How long an access token lives.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// How long a refresh token lives unused.
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

/// Claims of an agent's access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The agent.
    pub sub: Uuid,
    /// The session (refresh token) this token belongs to; revoking it ends the token.
    pub sid: Uuid,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// The configured secret, or the one kept in the data dir (generated on first use).
    pub fn load(settings: &Settings) -> anyhow::Result<Self> {
        if let Some(secret) = &settings.jwt_secret {
            return Ok(Self::new(secret.0.as_bytes()));
        }
        // A secret of the data dir is this node's alone: another node would
        // refuse its tokens.
        anyhow::ensure!(
            settings.redis_url.is_none(),
            "REDIS_URL is set (several nodes) but NATTER_JWT_SECRET is not: give every node the same secret"
        );
        let path = settings.data_dir.join("jwt_secret");
        let secret = match std::fs::read_to_string(&path) {
            Ok(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => {
                let s = crate::secrets::generate("");
                write_private(&path, &s)?;
                s
            }
        };
        Ok(Self::new(secret.as_bytes()))
    }

    /// A signed access token for `agent` in session `sid`.
    pub fn issue(&self, agent: Uuid, sid: Uuid, now: Timestamp) -> anyhow::Result<String> {
        let iat = now.timestamp();
        let claims = Claims { sub: agent, sid, iat, exp: iat + ACCESS_TTL_SECS };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The claims of a token with a valid signature; expiry is checked by the caller
    /// against the injected clock.
    pub fn decode(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }
}

fn write_private(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn several_nodes_need_a_shared_secret() {
        let dir = tempfile::tempdir().expect("dir");
        let mut settings = Settings::for_data_dir(dir.path().to_path_buf());
        settings.redis_url = Some(Secret("redis://127.0.0.1:6379/0".into()));
        let refused = JwtKeys::load(&settings).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("NATTER_JWT_SECRET"), "{refused}");
        settings.jwt_secret = Some(Secret("shared by every node".into()));
        assert!(JwtKeys::load(&settings).is_ok());
    }
}
