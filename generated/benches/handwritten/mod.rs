//! The baseline the generated client is measured against: the serde structs, and the reqwest
//! call, a person would write by hand for the same wire format.

#![allow(dead_code, missing_docs)] // fields are read by serde, not by the benchmarks

use serde::{Deserialize, Serialize};

/// DigitalOcean's user answer.
pub const DIGITALOCEAN_USER: &str = r#"{"user":{"name":"app-01","role":"normal","password":"jge5lfxtzhx42iff","access_cert":"-----BEGIN CERTIFICATE-----\nMIIFFjCCA/6gAwIBAgISA0AznUJmXhu08/89ZuSPC/kRMA0GCSqGSIb3DQEBCwUA\n-----END CERTIFICATE-----","access_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCvGQ1nhq9l3dW1\n-----END PRIVATE KEY-----","mysql_settings":{"auth_plugin":"caching_sha2_password"},"settings":{"pg_allow_replication":true,"opensearch_acl":[{"index":"logs-*","permission":"read"},{"index":"metrics-*","permission":"readwrite"}],"acl":[{"id":"96c8a0f1","topic":"events","permission":"produceconsume"},{"id":"4b1c2f9e","topic":"audit.*","permission":"consume"}],"mongo_user_settings":{"databases":["orders","billing"],"role":"readWrite"}}}}"#;

/// Yandex Cloud's operation answer, finished, with its metadata and result.
pub const YANDEX_OPERATION: &str = r#"{"id":"mdb0a1b2c3d4e5f6g7h8","description":"Update user in MongoDB cluster","createdAt":"2026-11-25T10:15:30Z","createdBy":"ajeq8f2s8l0e1n3p0v9k","modifiedAt":"2026-11-25T10:15:42Z","done":true,"metadata":{"@type":"type.googleapis.com/yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata","clusterId":"c9q8ml85r1oh5ttmd9l2","userName":"app-01"},"response":{"@type":"type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User","name":"app-01","clusterId":"c9q8ml85r1oh5ttmd9l2","permissions":[{"databaseName":"orders","roles":["readWrite"]},{"databaseName":"billing","roles":["read","dbAdmin"]}],"connectionManager":{"connectionId":"conn-7f3a"},"authType":"AUTH_TYPE_PASSWORD","deletionProtection":false}}"#;

#[derive(Debug, Serialize, Deserialize)]
pub struct UserAnswer {
    pub user: DatabaseUser,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DatabaseUser {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_cert: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql_settings: Option<MysqlSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<UserSettings>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Primary,
    Normal,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MysqlSettings {
    pub auth_plugin: AuthPlugin,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthPlugin {
    MysqlNativePassword,
    CachingSha2Password,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct UserSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_allow_replication: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opensearch_acl: Option<Vec<OpensearchAcl>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<Vec<KafkaAcl>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mongo_user_settings: Option<MongoUserSettings>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OpensearchAcl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<OpensearchPermission>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpensearchPermission {
    Deny,
    Admin,
    Read,
    Readwrite,
    Write,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct KafkaAcl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub topic: String,
    pub permission: KafkaPermission,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KafkaPermission {
    Admin,
    Consume,
    Produce,
    Produceconsume,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MongoUserSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MongoRole>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum MongoRole {
    #[serde(rename = "readOnly")]
    ReadOnly,
    #[serde(rename = "readWrite")]
    ReadWrite,
    #[serde(rename = "dbAdmin")]
    DbAdmin,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserOperation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<UpdateUserMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<User>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Status {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_manager: Option<ConnectionManager>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<UserAuthType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionManager {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserAuthType {
    AuthTypeUnspecified,
    AuthTypePassword,
    AuthTypeIam,
    #[serde(other)]
    Unknown,
}

/// The request body of the update.
#[derive(Debug, Serialize)]
pub struct UserSettingsBody {
    pub settings: UserSettings,
}
