//! The Saved replies page: create, edit and delete.

use crate::harness::*;
use shared::Page;
use shared::api::*;

async fn saved(server: &Server) -> Vec<SavedReply> {
    let page: Page<SavedReply> = server.get("/api/v1/saved-replies", &server.admin.access_token).await;
    page.items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_replies_are_created_edited_and_deleted() {
    let server = Server::start().await;
    with_browser("saved_replies", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click("#nav-saved-replies").await?;
        b.click("#new-saved-reply").await?;
        b.type_into("#saved-shortcut", "/bye").await?;
        b.type_into("#saved-title", "Goodbye").await?;
        b.type_into("#saved-body", "Bye, {{contact.first_name}}!").await?;
        b.click("#saved-template").await?;
        b.click("#saved-save").await?;
        let row = "#saved-table tr[data-shortcut=bye]";
        b.until_text(row, "Goodbye").await?;
        b.until_gone("#saved-form").await?;
        let stored = saved(&server).await;
        assert_eq!(stored.len(), 1);
        assert_eq!((stored[0].shortcut.as_str(), stored[0].kind), ("bye", SavedReplyKind::Template));

        b.click(&format!("{row} .edit")).await?;
        b.until("the form filled in", "document.querySelector('#saved-title')?.value === 'Goodbye'").await?;
        b.find("#saved-title").await?.clear().await?;
        b.type_into("#saved-title", "Farewell").await?;
        b.click("#saved-save").await?;
        b.until_text(row, "Farewell").await?;
        assert_eq!(saved(&server).await[0].title, "Farewell");

        b.click(&format!("{row} .delete")).await?;
        b.until_gone(row).await?;
        assert!(saved(&server).await.is_empty());
        Ok(())
    })
    .await;
}
