//! The window's live preview: what it needs beside the draft it renders.

use serde::Serialize;
use ts_rs::TS;

use super::VersionForm;

// `vendor` is the app's `created_type`; `live` the server's copy as last synced (the cache's base
// of the version), null when the server has never had it; `icon_changed` whether the working
// icon's checksum differs from the server's. Plain comments, not doc comments: the generated
// TypeScript stays exactly the type agreed with the window (`PreviewSource` in bindings.ts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PreviewSource {
    pub vendor: String,
    pub live: Option<VersionForm>,
    pub icon_changed: bool,
}

impl From<workbench::preview::PreviewSource> for PreviewSource {
    fn from(source: workbench::preview::PreviewSource) -> Self {
        let workbench::preview::PreviewSource {
            vendor,
            live,
            icon_changed,
        } = source;
        PreviewSource {
            vendor,
            live: live.map(VersionForm::from),
            icon_changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use ts_rs::{Config, TS};
    use workbench_domain::{Marketplace, VersionContent};

    use super::*;

    #[test]
    fn the_live_copy_travels_as_a_form_and_none_as_null() {
        let content = VersionContent {
            marketplace: Marketplace {
                listing_summary: "Live summary".into(),
                ..Marketplace::default()
            },
            ..VersionContent::default()
        };
        let source = PreviewSource::from(workbench::preview::PreviewSource {
            vendor: "Acme Corp".into(),
            live: Some(content.clone()),
            icon_changed: true,
        });
        assert_eq!(source.vendor, "Acme Corp");
        assert_eq!(source.live, Some(VersionForm::from(content)));
        assert!(source.icon_changed);

        let never_sent = PreviewSource::from(workbench::preview::PreviewSource {
            vendor: String::new(),
            live: None,
            icon_changed: false,
        });
        let json = serde_json::to_value(&never_sent).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"vendor": "", "live": null, "icon_changed": false})
        );
    }

    #[test]
    fn the_typescript_type_is_the_one_agreed_with_the_window() {
        assert_eq!(
            PreviewSource::decl(&Config::default()),
            "type PreviewSource = { vendor: string, live: VersionForm | null, icon_changed: boolean, };"
        );
    }
}
