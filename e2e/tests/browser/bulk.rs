//! Bulk actions from the list: pick with a click and a shift-click, close them
//! together, then select all closed ones and delete them after confirming.

use crate::harness::*;
use shared::ConversationId;
use shared::api::*;

async fn status_of(server: &Server, id: ConversationId) -> u16 {
    server.status_of(&format!("/api/v1/conversations/{id}"), &server.admin.access_token).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_are_picked_closed_and_deleted_together() {
    let server = Server::start().await;
    let mut ids = Vec::new();
    for text in ["oldest", "middle", "newest"] {
        ids.push(server.visitor_says(&server.new_visitor().await, text).await);
    }
    let kept = server.visitor_says(&server.new_visitor().await, "leave me be").await;
    with_browser("bulk", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        for id in &ids {
            b.find(&card(*id)).await?;
        }
        // A click on the oldest's avatar picks it; a shift-click on the newest picks the range.
        b.click(&format!("{} .avatar", card(ids[0]))).await?;
        b.until_text("#bulk-count", "1").await?;
        assert_eq!(b.js("return location.pathname").await?.as_str(), Some("/conversations"), "picking opens nothing");
        b.js(&format!(
            "document.querySelector({:?}).dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true, shiftKey: true}})); return 1",
            format!("{} .avatar", card(ids[2]))
        ))
        .await?;
        b.until_text("#bulk-count", "3").await?;
        b.find(&format!("{}.picked", card(ids[1]))).await?;
        assert!(b.js(&format!("return !document.querySelector({:?})", format!("{}.picked", card(kept)))).await?.as_bool() == Some(true));

        // Closed together: they leave the open list, the bar goes.
        b.click("#bulk-close").await?;
        for id in &ids {
            b.until_gone(&card(*id)).await?;
        }
        b.until_gone("#bulk-bar").await?;
        b.find(&card(kept)).await?;
        for id in &ids {
            let c: ConversationDetail =
                server.get(&format!("/api/v1/conversations/{id}"), &server.admin.access_token).await;
            assert_eq!(c.conversation.status, ConversationStatus::Closed);
        }

        // In the closed list, all selected at once and deleted after confirming.
        b.click("#filter-closed").await?;
        b.find(&card(ids[0])).await?;
        b.click(&format!("{} .avatar", card(ids[0]))).await?;
        b.click("#bulk-all").await?;
        b.until_text("#bulk-count", "3").await?;
        b.click("#bulk-delete").await?;
        b.click("#dialog-confirm").await?;
        for id in &ids {
            b.until_gone(&card(*id)).await?;
            assert_eq!(status_of(&server, *id).await, 404);
        }
        assert_eq!(status_of(&server, kept).await, 200);
        Ok(())
    })
    .await;
}
