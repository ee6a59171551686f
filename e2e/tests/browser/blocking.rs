//! Blocking by address from the ban dialog: a new chat from the address is
//! refused with the widget's banned notice; Settings lists it and unblocks it.

use crate::harness::*;
use shared::Page;
use shared::api::*;

async fn blocked(server: &Server) -> Vec<BlockedAddress> {
    let page: Page<BlockedAddress> = server.get("/api/v1/blocked-addresses", &server.admin.access_token).await;
    page.items
}

/// The blocked addresses once there is one (the block follows the ban), within 10 s.
async fn blocked_soon(server: &Server) -> Vec<BlockedAddress> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let list = blocked(server).await;
        if !list.is_empty() || std::time::Instant::now() > deadline {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_address_cannot_start_a_chat_until_unblocked() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    let conv = server.visitor_says(&server.new_visitor().await, "buy cheap watches").await;
    with_browser("blocking", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click(&card(conv)).await?;
        b.until_text("#visitor-address", "127.0.0.1").await?;
        b.click("#action-ban").await?;
        b.click("#ban-block-address").await?;
        b.click("#dialog-confirm").await?;
        b.until("the contact to be banned", "document.querySelector('.pill.danger') !== null").await?;
        let list = blocked_soon(&server).await;
        assert_eq!(list.iter().map(|a| a.address.as_str()).collect::<Vec<_>>(), ["127.0.0.1"]);

        // A new visitor from that address (this browser has no chat yet) is refused.
        b.open_widget(&site).await?;
        b.until_text("#banned-notice", "can't send messages").await?;
        b.leave_chat().await?;

        // Unblocked from Settings.
        b.goto(&server.url("/settings")).await?;
        let row = "#settings-blocked tr[data-address='127.0.0.1']";
        b.find(row).await?;
        b.click(&format!("{row} .unblock")).await?;
        b.until_gone(row).await?;
        assert!(blocked(&server).await.is_empty());
        server.visitor_says(&server.new_visitor().await, "hello again").await;
        Ok(())
    })
    .await;
}
