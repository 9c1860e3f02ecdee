//! The registration form of a new app, and what the rules say of its fields as they are typed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench::NewApp;
use workbench_domain::{AppType as CoreAppType, Render};

use super::AppType;

/// Where an app is shown in Talkdesk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RenderKind {
    Portal,
    Canvas,
}

impl From<Render> for RenderKind {
    fn from(render: Render) -> RenderKind {
        match render {
            Render::Portal => RenderKind::Portal,
            Render::Canvas => RenderKind::Canvas,
        }
    }
}

/// What the **Edit app** form holds: the app's own fields a partner edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppFieldsForm {
    pub slug: String,
    pub display_name: String,
    /// The vendor: the partner's company name.
    pub created_type: String,
    pub app_type: AppType,
    pub render: RenderKind,
}

impl AppFieldsForm {
    /// The form as `app.FIELD` = value pairs, for `Workbench::edit_app`.
    pub fn sets(self) -> Vec<(String, serde_json::Value)> {
        let app_type = match self.app_type {
            AppType::Standalone => "standalone",
            AppType::Atlas => "atlas",
        };
        let render = match self.render {
            RenderKind::Portal => "portal",
            RenderKind::Canvas => "canvas",
        };
        [
            ("slug", self.slug),
            ("display_name", self.display_name),
            ("created_type", self.created_type),
            ("app_type", app_type.to_owned()),
            ("render", render.to_owned()),
        ]
        .into_iter()
        .map(|(field, value)| (format!("app.{field}"), value.into()))
        .collect()
    }
}

/// What the **New app** form holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewAppForm {
    /// The unique identifier.
    pub name: String,
    /// Empty: the name.
    pub slug: String,
    pub display_name: String,
    /// The vendor: the partner's company name.
    pub created_type: String,
    pub app_type: AppType,
    pub render: RenderKind,
}

impl From<NewAppForm> for NewApp {
    fn from(form: NewAppForm) -> NewApp {
        let slug = form.slug.trim().to_owned();
        NewApp {
            name: form.name,
            slug: (!slug.is_empty()).then_some(slug),
            display_name: form.display_name,
            created_type: form.created_type,
            app_type: match form.app_type {
                AppType::Standalone => CoreAppType::Standalone,
                AppType::Atlas => CoreAppType::Atlas,
            },
            render: match form.render {
                RenderKind::Portal => Render::Portal,
                RenderKind::Canvas => Render::Canvas,
            },
        }
    }
}

/// One field of a form and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    /// Every problem of a registration, in the form's order.
    pub fn of(form: &NewAppForm) -> Vec<FieldProblem> {
        NewApp::from(form.clone())
            .problems()
            .into_iter()
            .map(|(field, message)| FieldProblem {
                field: field.to_owned(),
                message,
            })
            .collect()
    }
}
