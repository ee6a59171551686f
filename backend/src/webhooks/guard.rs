//! The SSRF guard: webhook targets may not be loopback, private, link-local,
//! multicast or cloud-metadata addresses. Checked after DNS resolution, on every
//! attempt, and again by the resolver the HTTP client connects through (so a
//! name can't resolve to a public address for the check and a private one for
//! the connection).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why a target is refused, in words for the admin.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refusal_v4(v4),
            None => refusal_v6(v6),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("a private network address")
    } else if ip.is_link_local() {
        Some("a link-local or cloud metadata address")
    } else if ip.is_multicast() || ip.is_broadcast() {
        Some("a multicast or broadcast address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else {
        None
    }
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private network or cloud metadata address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else {
        None
    }
}

/// Resolves `host` and refuses it if any of its addresses is refused (unless
/// `allow_private`).
pub async fn resolve(host: &str, port: u16, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> =
        tokio::net::lookup_host((host, port)).await.map_err(|e| format!("{host} does not resolve: {e}"))?.collect();
    if addrs.is_empty() {
        return Err(format!("{host} does not resolve"));
    }
    if !allow_private && let Some((addr, why)) = addrs.iter().find_map(|a| refusal(a.ip()).map(|why| (a, why))) {
        return Err(format!("refused: {host} resolves to {} ({why})", addr.ip()));
    }
    Ok(addrs)
}

/// Checks a webhook URL: `http`/`https` with a host whose addresses are allowed.
pub async fn check_url(url: &str, allow_private: bool) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("the URL must be http or https".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("the URL may not carry credentials".into());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    match parsed.host() {
        None => Err("the URL has no host".into()),
        Some(url::Host::Ipv4(ip)) => literal(IpAddr::V4(ip), allow_private).map(|()| parsed),
        Some(url::Host::Ipv6(ip)) => literal(IpAddr::V6(ip), allow_private).map(|()| parsed),
        Some(url::Host::Domain(host)) => resolve(host, port, allow_private).await.map(|_| parsed),
    }
}

fn literal(ip: IpAddr, allow_private: bool) -> Result<(), String> {
    match refusal(ip) {
        Some(why) if !allow_private => Err(format!("refused: {ip} is {why}")),
        _ => Ok(()),
    }
}

/// The resolver the webhook client connects through: it refuses what the guard refuses.
pub struct GuardedResolver {
    /// `NATTER_WEBHOOK_ALLOW_PRIVATE`.
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            match resolve(name.as_str(), 0, allow_private).await {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs),
                Err(refused) => {
                    Err(Box::new(std::io::Error::other(refused)) as Box<dyn std::error::Error + Send + Sync>)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "ff02::1",
        ] {
            assert!(refusal(ip.parse().expect("ip")).is_some(), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(refusal(ip.parse().expect("ip")).is_none(), "{ip}");
        }
    }
}
