//! Websites on other origins than Natter's, for the widget's browser tests: a
//! hostile host site that embeds the widget (hostile CSS, someone else's
//! `natter` global, any scripts a test adds), and an attacker's page.

use crate::harness::Server;
use std::collections::HashMap;
use std::sync::Arc;

/// Serves `pages` (path → HTML; the query is ignored) on a free port of
/// 127.0.0.1 until the test ends, and returns the port.
async fn serve(pages: HashMap<String, String>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let pages = Arc::new(pages);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let pages = pages.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buffer = vec![0u8; 8192];
                let mut read = 0;
                while read < buffer.len() {
                    match stream.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                    if buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&buffer[..read]);
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split(['?', '#']).next().unwrap_or("/");
                let response = match pages.get(path) {
                    Some(page) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                        page.len()
                    ),
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                };
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    port
}

/// One page of a host site.
pub struct HostPage {
    /// Its path, such as `/` or `/logout`.
    pub path: &'static str,
    /// A script that runs after the snippet's stub.
    pub script: String,
    /// Whether the site listens to chat messages (`natterChat('on', 'message', …)`
    /// filling `window.received`).
    pub listens: bool,
}

impl HostPage {
    /// A page at `path` that listens to chat messages and runs `script`.
    pub fn new(path: &'static str, script: &str) -> Self {
        Self { path, script: script.to_owned(), listens: true }
    }
}

/// A website that embeds the widget, served on another origin (`localhost`
/// against Natter's `127.0.0.1`), with hostile CSS and someone else's `natter`
/// global: the snippet uses `data-global` to pick another name.
pub struct HostSite {
    pub url: String,
    /// `http://localhost:<port>`.
    pub origin: String,
}

impl HostSite {
    /// Serves one page at `/`; `script` runs on it after the snippet's stub.
    pub async fn start(server: &Server, site_key: &str, script: &str) -> Self {
        Self::with_pages(server, site_key, vec![HostPage::new("/", script)]).await
    }

    /// Serves several pages of one site.
    pub async fn with_pages(server: &Server, site_key: &str, pages: Vec<HostPage>) -> Self {
        let pages = pages.into_iter().map(|p| (p.path.to_owned(), host_page(server, site_key, &p))).collect();
        let origin = format!("http://localhost:{}", serve(pages).await);
        Self { url: format!("{origin}/"), origin }
    }

    /// The address of one of its pages.
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

fn host_page(server: &Server, site_key: &str, page: &HostPage) -> String {
    let listen =
        if page.listens { "natterChat('on', 'message', function (m) { window.received.push(m) });" } else { "" };
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Acme shop</title>
<style>* {{ all: unset !important; }} #natter-chat {{ display: none !important; transform: scale(0) !important; }}
iframe {{ display: none !important; }} body {{ display: block !important; font: 16px serif !important; }}</style>
<script>window.natter = {{ version: "another library's natter" }};</script>
</head><body><h1>Acme shop</h1><p>Socks, hats and scarves.</p>
<script>window.natterChat = window.natterChat || function () {{ (window.natterChat.q = window.natterChat.q || []).push(arguments) }};
window.received = [];
{listen}
{script}</script>
<script src="{base}/widget.js" data-site-key="{site_key}" data-global="natterChat" async></script>
</body></html>"#,
        script = page.script,
        base = server.base
    )
}

/// An attacker's page on a second origin (another port of `localhost`: the same
/// site as the host, so a chat frame it embeds would share the visitor's
/// storage): it frames the chat directly and tries to drive it and to listen.
pub struct AttackerSite {
    pub url: String,
}

impl AttackerSite {
    pub async fn start(server: &Server, site_key: &str) -> Self {
        let page = format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>Free prizes</title></head><body>
<script>
window.stolen = [];
addEventListener('message', function (e) {{ window.stolen.push(JSON.stringify(e.data)); }});
function attack() {{
  var chat = document.getElementById('chat').contentWindow;
  [{{ natter: 1, type: 'subscribe' }}, {{ natter: 1, type: 'page', url: 'https://prizes.example/' }},
   {{ natter: 1, type: 'setContact', contact: {{ name: 'Mallory', email: 'mallory@prizes.example' }} }},
   {{ natter: 1, type: 'open' }}].forEach(function (m) {{ chat.postMessage(m, '*'); }});
}}
addEventListener('message', function (e) {{ if (e.data && e.data.type === 'ready') attack(); }});
</script>
<iframe id="chat" src="{base}/widget/frame?site_key={site_key}" onload="window.framed = true"></iframe>
</body></html>"#,
            base = server.base
        );
        let port = serve(HashMap::from([("/".to_owned(), page)])).await;
        Self { url: format!("http://localhost:{port}/") }
    }
}
