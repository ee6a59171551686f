use crate::m20261125_000001_create_team::{Agents, Groups};
use crate::m20261125_000002_create_contacts::Contacts;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_create_conversations"
    }
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(Conversations::Table)
                .col(uuid(Conversations::Id).primary_key())
                .col(uuid(Conversations::ContactId))
                .col(string(Conversations::Status))
                .col(uuid_null(Conversations::AssigneeId))
                .col(uuid_null(Conversations::GroupId))
                .col(big_integer_null(Conversations::AwaitingReplySince))
                .col(big_integer_null(Conversations::LastVisitorMessageAt))
                .col(big_integer_null(Conversations::LastVisitorSeq))
                .col(big_integer_null(Conversations::MissedAt))
                .col(big_integer(Conversations::LastActivityAt))
                .col(text_null(Conversations::LastMessagePreview))
                .col(big_integer(Conversations::CreatedAt))
                .col(big_integer_null(Conversations::ClosedAt))
                .foreign_key(&mut fk(
                    (Conversations::Table, Conversations::ContactId),
                    (Contacts::Table, Contacts::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (Conversations::Table, Conversations::AssigneeId),
                    (Agents::Table, Agents::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Conversations::Table, Conversations::GroupId),
                    (Groups::Table, Groups::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        let indexes: [(&str, &[Conversations]); 5] = [
            ("idx_conversations_activity", &[Conversations::LastActivityAt, Conversations::Id]),
            ("idx_conversations_status_activity", &[Conversations::Status, Conversations::LastActivityAt]),
            ("idx_conversations_assignee", &[Conversations::AssigneeId, Conversations::Status]),
            ("idx_conversations_group", &[Conversations::GroupId, Conversations::Status]),
            ("idx_conversations_contact", &[Conversations::ContactId, Conversations::CreatedAt]),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create().name(name).table(Conversations::Table).to_owned();
            for col in cols {
                index.col(*col);
            }
            m.create_index(index).await?;
        }
        m.create_index(
            Index::create()
                .name("idx_conversations_awaiting")
                .table(Conversations::Table)
                .col(Conversations::AwaitingReplySince)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Messages::Table)
                .col(uuid(Messages::Id).primary_key())
                .col(uuid(Messages::ConversationId))
                .col(string(Messages::Kind))
                .col(uuid_null(Messages::AgentId))
                .col(uuid_null(Messages::AuthorId))
                .col(string_null(Messages::AuthorName))
                .col(text(Messages::Body))
                .col(text(Messages::Html))
                .col(string_null(Messages::ClientId))
                .col(big_integer(Messages::Seq))
                .col(big_integer(Messages::CreatedAt))
                .foreign_key(&mut fk(
                    (Messages::Table, Messages::ConversationId),
                    (Conversations::Table, Conversations::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk((Messages::Table, Messages::AgentId), (Agents::Table, Agents::Id), SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_messages_conversation_seq")
                .table(Messages::Table)
                .col(Messages::ConversationId)
                .col(Messages::Seq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_messages_author_client_id")
                .table(Messages::Table)
                .col(Messages::AuthorId)
                .col(Messages::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(uuid(Attachments::Id).primary_key())
                .col(uuid(Attachments::UploaderId))
                .col(uuid_null(Attachments::ConversationId))
                .col(uuid_null(Attachments::MessageId))
                .col(string(Attachments::Filename))
                .col(string(Attachments::ContentType))
                .col(big_integer(Attachments::Size))
                .col(string(Attachments::StorageKey))
                .col(big_integer(Attachments::CreatedAt))
                .foreign_key(&mut fk(
                    (Attachments::Table, Attachments::ConversationId),
                    (Conversations::Table, Conversations::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (Attachments::Table, Attachments::MessageId),
                    (Messages::Table, Messages::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_attachments_message", Attachments::MessageId),
            ("idx_attachments_conversation", Attachments::ConversationId),
            ("idx_attachments_uploader", Attachments::UploaderId),
        ] {
            m.create_index(Index::create().name(name).table(Attachments::Table).col(col).to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(ReadMarkers::Table)
                .col(uuid(ReadMarkers::AgentId))
                .col(uuid(ReadMarkers::ConversationId))
                .col(big_integer(ReadMarkers::ReadSeq))
                .col(big_integer(ReadMarkers::ReadAt))
                .primary_key(Index::create().col(ReadMarkers::AgentId).col(ReadMarkers::ConversationId))
                .foreign_key(&mut fk((ReadMarkers::Table, ReadMarkers::AgentId), (Agents::Table, Agents::Id), Cascade))
                .foreign_key(&mut fk(
                    (ReadMarkers::Table, ReadMarkers::ConversationId),
                    (Conversations::Table, Conversations::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_read_markers_conversation")
                .table(ReadMarkers::Table)
                .col(ReadMarkers::ConversationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReadMarkers::Table.into_iden(),
            Attachments::Table.into_iden(),
            Messages::Table.into_iden(),
            Conversations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Conversations {
    Table,
    Id,
    ContactId,
    Status,
    AssigneeId,
    GroupId,
    AwaitingReplySince,
    LastVisitorMessageAt,
    LastVisitorSeq,
    MissedAt,
    LastActivityAt,
    LastMessagePreview,
    CreatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    ConversationId,
    Kind,
    AgentId,
    AuthorId,
    AuthorName,
    Body,
    Html,
    ClientId,
    Seq,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    UploaderId,
    ConversationId,
    MessageId,
    Filename,
    ContentType,
    Size,
    StorageKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReadMarkers {
    Table,
    AgentId,
    ConversationId,
    ReadSeq,
    ReadAt,
}
